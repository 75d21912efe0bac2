import Foundation
import JobStore
import Logging

/// Brings a job's claimed files into this node's claim area when they lie in another node's: after a rescue,
/// or when this node took a job another made. One rename of the claim folder (`.work/<node>/<folder>/` to
/// `.work/<this node>/<folder>/`, same filesystem, atomic), then the job's paths rewritten in the store.
///
/// Safe to repeat and to resume: a folder already moved only has its paths rewritten. Only the job's holder
/// moves a folder (asked of the store right before), so two nodes never move one.
struct ClaimHome: Sendable {
    let node: ClusterNode
    let logger: Logger

    /// Brings `job`'s claim home; returns whether anything moved.
    @discardableResult
    func bring(_ job: Job, folder: HotFolderConfiguration) async throws -> Bool {
        let paths = ([job.claimedPath, job.originalPath] + job.parts.flatMap { [$0.claimedPath, $0.originalPath] }).compactMap { $0 }
        var moved = Set<String>()
        for path in paths {
            guard let (from, to) = Self.claimFolder(of: path, work: folder.layout.work, home: folder.layout.claims),
                  moved.insert(from).inserted else { continue }
            try await node.ensureHolds(job.id)
            try await Blocking.run {
                if FileOperations.exists(from) { try Self.move(from, to: to) }
            }
            try await node.cluster.moveClaimPaths(of: job.id, from: from + "/", to: to + "/")
            logger.info("brought a job's claimed files into this server's claim area",
                        metadata: ["job": "\(job.id)", "hotfolder": "\(folder.name)", "from": "\(from)"])
        }
        return !moved.isEmpty
    }

    /// Renames claim folder `from` to `to`; when `to` exists already (another part of the same job was claimed
    /// here), its files join the folder there one by one.
    private static func move(_ from: String, to: String) throws {
        try FileOperations.createDirectory(FileOperations.parent(of: to))
        if rename(from, to) != 0 {
            guard errno == ENOTEMPTY || errno == EEXIST else { throw FileOperationError.failed("move claim", path: from, errno: errno) }
            for name in try FileManager.default.contentsOfDirectory(atPath: from) {
                guard rename(from + "/" + name, to + "/" + name) == 0 else {
                    throw FileOperationError.failed("move claim", path: from + "/" + name, errno: errno)
                }
            }
            try FileOperations.sync(to)
            rmdir(from)
        }
        try FileOperations.sync(FileOperations.parent(of: to))
        try FileOperations.sync(FileOperations.parent(of: from))
    }

    /// For a path in another node's claim area (`<work>/<node>/<folder>/...`): that claim folder, and where
    /// it goes in `home`. Nil for a path elsewhere, in `home` already, or in a claim of the old layout
    /// (`<work>/<job id>/...`, left where it is).
    static func claimFolder(of path: String, work: String, home: String) -> (from: String, to: String)? {
        guard path.hasPrefix(work + "/") else { return nil }
        let parts = path.dropFirst(work.count + 1).split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 3, JobID(String(parts[0])) == nil else { return nil }
        let from = work + "/" + parts[0] + "/" + parts[1]
        let to = home + "/" + parts[1]
        return from == to ? nil : (from, to)
    }
}
