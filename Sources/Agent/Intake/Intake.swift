import Bridge
import Foundation
import Logging
import Pipeline

/// Turns a complete file in an inbox into a job: type check, atomic claim, hash, store record.
///
/// Crash safety rests on the order: the file is renamed into `.work/<job id>/` (same filesystem, atomic)
/// and the folders are synced before the job row is committed. A crash before the rename leaves the file in
/// the inbox, picked up again at start; a crash after it leaves `.work/<job id>/NAME`, which `Recovery`
/// adopts as that job. Either way the file ends in exactly one job.
struct Intake: Sendable {
    let folder: HotFolderConfiguration
    let store: any JobStore
    let logger: Logger

    enum Evidence: String, Sendable { case renamed, written, scanned, startup }

    func take(_ name: String, evidence: Evidence) async -> IntakeOutcome {
        let path = folder.layout.inbox + "/" + name
        let folderName = folder.name
        let header: [UInt8]?
        do {
            header = try await Blocking.run { try Self.readHeader(path) }
        } catch {
            return FileOperations.exists(path) ? .notReadableYet : .vanished
        }
        guard let header else { return .vanished }
        guard !header.isEmpty else {
            return await setAside(name, reason: "\(name) is empty (0 bytes); nothing to print. Send the file again.")
        }
        guard let kind = ArtworkKind.sniff(header) else {
            return await setAside(name, reason: "\(name) is not a PDF, JPEG, PNG or TIFF file (it starts with \(Self.describe(header))). Only print artwork is accepted here.")
        }
        let id = JobID.generate()
        let claimDirectory = folder.layout.work + "/" + id.rawValue
        let claimedPath = claimDirectory + "/" + name
        do {
            try await Blocking.run {
                try FileOperations.createDirectory(claimDirectory)
                guard rename(path, claimedPath) == 0 else {
                    let code = errno
                    rmdir(claimDirectory)
                    throw FileOperationError.failed("claim", path: path, errno: code)
                }
                try FileOperations.sync(claimDirectory)
                try FileOperations.sync(folder.layout.work)
                try FileOperations.sync(folder.layout.inbox)
            }
        } catch {
            if !FileOperations.exists(path) { return .vanished }
            logger.warning("cannot claim file yet", metadata: ["hotfolder": "\(folderName)", "file": "\(name)", "error": "\(error)"])
            return .notReadableYet
        }
        do {
            try await Self.record(id: id, claimedPath: claimedPath, kind: kind, folder: folder, store: store,
                                  detail: "claimed \(name) from the inbox (\(evidence.rawValue))")
            logger.info("claimed file", metadata: ["job": "\(id)", "hotfolder": "\(folderName)", "file": "\(name)",
                                                   "kind": "\(kind.rawValue)", "evidence": "\(evidence.rawValue)"])
            return .claimed(id)
        } catch {
            // The file is safe in .work/; Recovery adopts it at the next start or sweep.
            logger.error("claimed file but could not record the job; it will be adopted on recovery",
                         metadata: ["job": "\(id)", "hotfolder": "\(folderName)", "file": "\(name)", "error": "\(error)"])
            return .claimed(id)
        }
    }

    /// Hashes the claimed file and commits the job row. Shared by intake and recovery's adoption.
    static func record(id: JobID, claimedPath: String, kind: ArtworkKind?, folder: HotFolderConfiguration,
                       store: any JobStore, detail: String) async throws {
        let (sha256, size) = try await Blocking.run { try FileOperations.sha256(of: claimedPath) }
        let now = Date()
        let job = Job(id: id, status: .received, hotfolder: folder.name, fileName: FileOperations.fileName(of: claimedPath),
                      claimedPath: claimedPath, originalPath: claimedPath, sha256: sha256, sizeBytes: size, kind: kind,
                      externalId: externalId(from: FileOperations.fileName(of: claimedPath), pattern: folder.filenamePattern),
                      product: folder.product, createdAt: now, updatedAt: now)
        try await store.create(job, detail: detail)
    }

    /// The externalId (or orderReference) group of the folder's filename_pattern, when it matches.
    static func externalId(from name: String, pattern: String?) -> String? {
        guard let pattern, let expression = try? NSRegularExpression(pattern: pattern) else { return nil }
        let range = NSRange(name.startIndex..., in: name)
        guard let match = expression.firstMatch(in: name, range: range) else { return nil }
        for group in ["externalId", "orderReference"] {
            let groupRange = match.range(withName: group)
            if groupRange.location != NSNotFound, let swiftRange = Range(groupRange, in: name) {
                return String(name[swiftRange])
            }
        }
        return nil
    }

    /// Moves an unusable file to unsupported/ and writes `NAME.reason.txt` beside it. Never deletes.
    private func setAside(_ name: String, reason: String) async -> IntakeOutcome {
        let source = folder.layout.inbox + "/" + name
        let unsupported = folder.layout.unsupported
        do {
            let destination = try await Blocking.run {
                let destination = try FileOperations.move(source, into: unsupported, preferredName: name)
                try FileOperations.writeDurably(Data((reason + "\n").utf8), to: destination + ".reason.txt")
                return destination
            }
            logger.warning("set file aside as unsupported", metadata: ["hotfolder": "\(folder.name)", "file": "\(name)",
                                                                       "to": "\(destination)", "reason": "\(reason)"])
            return .setAside(path: destination, reason: reason)
        } catch {
            if !FileOperations.exists(source) { return .vanished }
            logger.error("cannot move unsupported file aside", metadata: ["hotfolder": "\(folder.name)", "file": "\(name)", "error": "\(error)"])
            return .notReadableYet
        }
    }

    /// The first bytes of the file, [] when empty, nil when gone; throws when it cannot be opened yet.
    private static func readHeader(_ path: String) throws -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else {
            if errno == ENOENT { return nil }
            throw FileOperationError.failed("open", path: path, errno: errno)
        }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: ArtworkKind.sniffLength)
        let count = read(descriptor, &buffer, buffer.count)
        guard count >= 0 else { throw FileOperationError.failed("read", path: path, errno: errno) }
        return Array(buffer.prefix(count))
    }

    /// A short, printable description of unknown leading bytes for the reason file.
    private static func describe(_ header: [UInt8]) -> String {
        let prefix = header.prefix(8)
        if prefix.allSatisfy({ (0x20...0x7E).contains($0) || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            return "text \"\(String(decoding: prefix, as: UTF8.self).replacingOccurrences(of: "\n", with: " "))\""
        }
        return "bytes " + prefix.map { String(format: "%02X", $0) }.joined(separator: " ")
    }
}
