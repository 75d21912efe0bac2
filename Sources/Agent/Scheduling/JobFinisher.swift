import Bridge
import Foundation
import JobStore
import Logging

/// Ends a job: its outputs are already durable; the original moves to originals/ (print_ready) or error/
/// with `NAME.reason.txt` beside it (every other end), and only then is the terminal state committed.
///
/// Each step checks what is already done, so a job interrupted halfway through finishing is finished, not
/// finished twice, when it resumes.
struct JobFinisher: Sendable {
    let store: any JobStore
    /// The lease this node holds the job under, when it runs it as one of several agents: the terminal
    /// state is only committed while it still does.
    var lease: NodeLease?

    func finish(_ job: Job, as state: JobState, reason: String?, folder: HotFolderConfiguration,
                logger: Logger) async throws {
        try await ensureStillHeld(job)
        let finalPath = try await moveOut(job, into: state == .printReady ? folder.layout.originals : folder.layout.error,
                                          reason: reason)
        // A job of parts keeps where each part's original went with the part.
        try await store.transition(job.id, to: state, detail: reason,
                                   update: JobUpdate(originalPath: job.product.hasParts ? nil : finalPath, failureReason: reason,
                                                     heldUnder: lease))
        removeClaimDirectory(of: job)
        let metadata: Logger.Metadata = ["job": "\(job.id)", "hotfolder": "\(folder.name)", "status": "\(state.rawValue)",
                                         "original": "\(finalPath)"]
        if let reason {
            logger.warning("job \(state.rawValue)", metadata: metadata.merging(["reason": "\(reason)"]) { $1 })
        } else {
            logger.info("job \(state.rawValue)", metadata: metadata)
        }
    }

    /// For a job someone else ended (rejected or cancelled through the API, the proof page or the CLI): its
    /// original leaves the claim area for error/ with the reason beside it. The state is already terminal.
    func settle(_ job: Job, folder: HotFolderConfiguration, logger: Logger) async throws {
        try await ensureStillHeld(job)
        let reason = job.failureReason ?? "job \(job.status.rawValue)"
        let finalPath = try await moveOut(job, into: folder.layout.error, reason: "\(job.status.rawValue): \(reason)")
        removeClaimDirectory(of: job)
        logger.info("original of an ended job moved aside", metadata: ["job": "\(job.id)", "hotfolder": "\(folder.name)",
                                                                     "status": "\(job.status.rawValue)", "original": "\(finalPath)"])
    }

    /// Among several agents, the terminal state is fenced by the lease in its transaction, but moving the
    /// original out comes first and no fence undoes it: the node asks whether it still holds the job.
    private func ensureStillHeld(_ job: Job) async throws {
        guard let lease, let cluster = store as? any ClusterStore else { return }
        try await cluster.ensureHolds(job.id, under: lease)
    }

    /// Original, companions and reason file into `directory`; returns where the original is now.
    private func moveOut(_ job: Job, into directory: String, reason: String?) async throws -> String {
        if job.product.hasParts { return try await moveOutParts(of: job, into: directory, reason: reason) }
        let finalPath = try await moveOriginal(job, into: directory)
        try await moveCompanions(of: job, into: FileOperations.parent(of: finalPath))
        if let reason {
            let reasonFile = finalPath + ".reason.txt"
            if !FileOperations.exists(reasonFile) {
                try await Blocking.run { try FileOperations.writeDurably(Data("\(reason)\n".utf8), to: reasonFile) }
            }
        }
        return finalPath
    }

    /// Every part's original into `directory`, each with the reason beside it, then what was claimed with them;
    /// returns where the first part's original is now.
    private func moveOutParts(of job: Job, into directory: String, reason: String?) async throws -> String {
        var first: String?
        for file in job.parts {
            var finalPath = file.originalPath ?? file.claimedPath
            if FileOperations.exists(file.claimedPath) {
                finalPath = try await Blocking.run {
                    try FileOperations.move(file.claimedPath, into: directory, preferredName: file.fileName)
                }
                try await store.recordPartOriginalPath(job.id, part: file.part, path: finalPath)
            }
            if let reason, !FileOperations.exists(finalPath + ".reason.txt") {
                let reasonFile = finalPath + ".reason.txt"
                try await Blocking.run { try FileOperations.writeDurably(Data("\(reason)\n".utf8), to: reasonFile) }
            }
            first = first ?? finalPath
        }
        // Parts dropped into a hot folder share a claim; what else is in it (a ticket) goes along.
        for claimDirectory in Set(job.parts.map { FileOperations.parent(of: $0.claimedPath) }) {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: claimDirectory)) ?? []
            for name in names where !name.hasPrefix(".") {
                try await Blocking.run { try FileOperations.move(claimDirectory + "/" + name, into: directory, preferredName: name) }
            }
        }
        return first ?? ""
    }

    /// Moves the claimed original into `directory`, or returns where an earlier run already moved it.
    private func moveOriginal(_ job: Job, into directory: String) async throws -> String {
        guard let claimed = job.claimedPath, FileOperations.exists(claimed) else {
            return job.originalPath ?? job.claimedPath ?? ""
        }
        // Where it goes is recorded before it goes: a stop between the move and a record after it would leave
        // the store pointing at an empty claim, and the job unable to find its original when it resumes.
        let intended = directory + "/" + FileOperations.freeName(in: directory, preferredName: job.fileName)
        try await store.recordOriginalPath(job.id, path: intended)
        let finalPath = try await Blocking.run {
            try FileOperations.move(claimed, into: directory, preferredName: job.fileName)
        }
        // Another name after all (a file of that name arrived meanwhile, or an earlier move was half done).
        if finalPath != intended { try await store.recordOriginalPath(job.id, path: finalPath) }
        return finalPath
    }

    /// Files claimed with the original (its sidecar ticket) go where it went.
    private func moveCompanions(of job: Job, into directory: String) async throws {
        guard let claimed = job.claimedPath else { return }
        let claimDirectory = FileOperations.parent(of: claimed)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: claimDirectory)) ?? []
        for name in names where !name.hasPrefix(".") && claimDirectory + "/" + name != claimed {
            try await Blocking.run { try FileOperations.move(claimDirectory + "/" + name, into: directory, preferredName: name) }
        }
    }

    private func removeClaimDirectory(of job: Job) {
        let claims = job.product.hasParts ? job.parts.map(\.claimedPath) : [job.claimedPath].compactMap { $0 }
        for directory in Set(claims.map(FileOperations.parent(of:))) where rmdir(directory) == 0 {
            try? FileOperations.sync(FileOperations.parent(of: directory))
        }
    }
}
