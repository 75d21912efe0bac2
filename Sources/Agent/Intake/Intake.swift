import Bridge
import Foundation
import JobStore
import Logging
import Pipeline

/// Turns a complete file in an inbox into a job: type check, atomic claim, hash, store record.
///
/// Crash safety rests on the order: the file is renamed into `.work/<node>/<job id>/` (same filesystem,
/// atomic) and the folders are synced before the job row is committed. A crash before the rename leaves the
/// file in the inbox, picked up again at start; a crash after it leaves `.work/<node>/<job id>/NAME`, which
/// `Recovery` adopts as that job. Either way the file ends in exactly one job.
///
/// Several agents watching one folder race for each file: the rename is the referee. The loser's rename
/// finds no file (ENOENT) and it moves on without a trace; a job made from a claim has the claim's id, so
/// a second row for one claim is refused by the store's key.
struct Intake: Sendable {
    let folder: HotFolderConfiguration
    let store: any JobStore
    let logger: Logger
    /// This agent among several sharing the store: it holds the jobs it makes. Nil when alone.
    var node: ClusterNode?

    enum Evidence: String, Sendable { case renamed, written, scanned, startup }

    func take(_ name: String, evidence: Evidence) async -> IntakeOutcome {
        let path = folder.layout.inbox + "/" + name
        let folderName = folder.name
        if SidecarTicket.isTicketName(name) { return await holdTicket(name) }
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
        // A product made of parts takes its files one part at a time, into the order's one job.
        if folder.product.hasParts { return await takePart(name, kind: kind, evidence: evidence) }
        // A ticket beside the file travels with it; a folder that requires one waits for it.
        let ticketName = SidecarTicket.candidateNames(for: name).first { FileOperations.exists(folder.layout.inbox + "/" + $0) }
        var ticketProblem: TicketError?
        if let ticketName {
            guard Self.age(of: folder.layout.inbox + "/" + ticketName) >= folder.stability.seconds else { return .waiting }
        } else if folder.ticket == .required {
            let waited = Self.age(of: path)
            guard waited >= folder.ticketTimeout.seconds else { return .waiting }
            ticketProblem = .missing(fileName: name, waitedSeconds: Int(folder.ticketTimeout.seconds))
        }
        // A file whose name yields the externalId of an API job waiting for its file becomes that job's file;
        // of a job that failed preflight or was rejected, its next revision.
        let waitingJob = await jobTakingFile(named: name)
        let id = waitingJob ?? JobID.generate()
        let claimDirectory = folder.layout.claims + "/" + id.rawValue
        let claimedPath = claimDirectory + "/" + name
        // The job's earlier original may still be in its claim, about to leave for error/: a rename would
        // replace it. Look again once it has gone.
        if waitingJob != nil, FileOperations.exists(claimedPath) { return .waiting }
        let inbox = folder.layout.inbox
        do {
            try await Blocking.run {
                try FileOperations.createDirectory(claimDirectory)
                guard rename(path, claimedPath) == 0 else {
                    let code = errno
                    rmdir(claimDirectory)
                    throw FileOperationError.failed("claim", path: path, errno: code)
                }
                // The artwork is claimed; a ticket that vanished meanwhile just means no ticket.
                if let ticketName { _ = rename(inbox + "/" + ticketName, claimDirectory + "/" + ticketName) }
                try FileOperations.sync(claimDirectory)
                try FileOperations.sync(folder.layout.claims)
                try FileOperations.sync(folder.layout.inbox)
            }
        } catch {
            if !FileOperations.exists(path) { return .vanished }
            logger.warning("cannot claim file yet", metadata: ["hotfolder": "\(folderName)", "file": "\(name)", "error": "\(error)"])
            return .notReadableYet
        }
        do {
            let (id, problem) = try await Self.record(id: id, claimedPath: claimedPath, kind: kind, folder: folder, store: store,
                                                      node: node, forExistingJob: waitingJob != nil,
                                                      detail: "claimed \(name) from the inbox (\(evidence.rawValue))"
                                                          + (ticketName.map { " with its ticket \($0)" } ?? ""))
            logger.info("claimed file", metadata: ["job": "\(id)", "hotfolder": "\(folderName)", "file": "\(name)",
                                                   "kind": "\(kind.rawValue)", "evidence": "\(evidence.rawValue)",
                                                   "ticket": "\(ticketName ?? "-")"])
            if let reason = (ticketProblem ?? problem)?.description, let job = try await store.job(id) {
                try await JobFinisher(store: store, lease: node?.lease).finish(job, as: .failed, reason: reason, folder: folder, logger: logger)
            }
            return .claimed(id)
        } catch JobStoreError.duplicate {
            return claimTakenOver(id, file: name)
        } catch {
            // The file is safe in .work/; Recovery adopts it at the next start or sweep.
            logger.error("claimed file but could not record the job; it will be adopted on recovery",
                         metadata: ["job": "\(id)", "hotfolder": "\(folderName)", "file": "\(name)", "error": "\(error)"])
            return .claimed(id)
        }
    }

    /// The job of this claim was recorded by another agent first: this one stalled between claiming and
    /// recording, was taken for dead, and its claim was adopted by the agent that rescued it. Not an error.
    private func claimTakenOver(_ id: JobID, file name: String) -> IntakeOutcome {
        logger.notice("another server recorded this claim first (this one was taken for dead); it is that server's job",
                      metadata: ["job": "\(id)", "hotfolder": "\(folder.name)", "file": "\(name)"])
        return .vanished
    }

    /// Hashes the claimed file, applies a ticket claimed with it, and commits the job row. Shared by intake
    /// and recovery's adoption. Returns the job the file became, and the ticket's problem when it could not be
    /// used (the job then fails).
    ///
    /// `forExistingJob`: the file was claimed for job `id`, which takes it if it still waits for a file or
    /// ended in preflight_failed or rejected (then as its next revision). A job that moved on meanwhile (another
    /// file got there first) leaves it to a job of its own.
    @discardableResult
    static func record(id: JobID, claimedPath: String, kind: ArtworkKind?, folder: HotFolderConfiguration,
                       store: any JobStore, node: ClusterNode?, forExistingJob: Bool = false, detail: String) async throws -> (JobID, TicketError?) {
        let (sha256, size) = try await Blocking.run { try FileOperations.sha256(of: claimedPath) }
        let name = FileOperations.fileName(of: claimedPath)
        var ticket: SidecarTicket?
        var problem: TicketError?
        let directory = FileOperations.parent(of: claimedPath)
        if let ticketName = SidecarTicket.candidateNames(for: name).first(where: { FileOperations.exists(directory + "/" + $0) }) {
            do {
                let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + ticketName))
                ticket = try SidecarTicket.parse(data, fileName: ticketName)
            } catch let error as TicketError {
                problem = error
            } catch {
                problem = .invalid(fileName: ticketName, reason: "it cannot be read")
            }
        }
        var id = id, claimedPath = claimedPath
        if forExistingJob, let existing = try await store.job(id) {
            // The node that claimed the file runs the job now: the claim is in its area.
            if let node { _ = try await node.hold(id) }
            let arrived = ArrivedFile(fileName: name, claimedPath: claimedPath, sha256: sha256, sizeBytes: size, kind: kind,
                                      hotfolder: folder.name, product: ticket?.product)
            switch existing.status {
            case .awaitingFile:
                try await store.transition(id, to: .received, detail: detail + " for the waiting job \(existing.externalId ?? "")",
                                           update: JobUpdate(arrivedFile: arrived))
                return (id, problem)
            case .preflightFailed, .rejected:
                try await store.transition(id, to: .received,
                                           detail: detail + " as revision \(existing.revision + 1) of \(existing.externalId ?? "the job")",
                                           update: JobUpdate(arrivedFile: arrived, startsRevision: true))
                return (id, problem)
            default:
                let (claimed, claims) = (claimedPath, folder.layout.claims)
                (id, claimedPath) = try await Blocking.run { try Self.reclaim(claimed, claims: claims) }
            }
        }
        let now = Date()
        let job = Job(id: id, status: .received, hotfolder: folder.name, fileName: name,
                      claimedPath: claimedPath, originalPath: claimedPath, sha256: sha256, sizeBytes: size, kind: kind,
                      externalId: ticket?.externalId ?? externalId(from: name, pattern: folder.filenamePattern),
                      product: folder.product.overridden(by: ticket?.product ?? ProductSpec()), createdAt: now, updatedAt: now,
                      order: JobOrder(callbackURL: ticket?.callbackUrl, fixups: ticket?.fixups))
        try await store.create(job, detail: detail)
        if let node { _ = try await node.hold(id) }
        return (id, problem)
    }

    /// A file of one part of a product made of parts: claimed into the order's job (the one waiting for its
    /// parts, or a failed or rejected one as its next revision), or into a new job that then waits for the
    /// other parts. A name that does not say the order and the part, or repeats a part the job has, is set aside.
    private func takePart(_ name: String, kind: ArtworkKind, evidence: Evidence) async -> IntakeOutcome {
        let parts = folder.product.partNames
        guard let (externalId, part) = Self.orderAndPart(from: name, pattern: folder.filenamePattern) else {
            return await setAside(name, reason: "\(name) does not say which order and which part (\(parts.joined(separator: ", "))) it is; "
                                  + "name each part's file with its order number and part, such as ORD-1234_\(parts[0]).pdf")
        }
        guard parts.contains(part) else {
            return await setAside(name, reason: "\(name) is the part '\(part)', but this product is made of \(parts.joined(separator: ", "))")
        }
        let existing = await jobTakingPart(of: externalId)
        if let existing, existing.status == .awaitingFile, existing.file(ofPart: part) != nil {
            return await setAside(name, reason: "order \(externalId) has the file of its \(part) already and waits for "
                                  + existing.missingParts.joined(separator: ", ") + "; a second \(part) is not taken")
        }
        let id = existing?.id ?? JobID.generate()
        let claimDirectory = folder.layout.claims + "/" + id.rawValue
        let claimedPath = claimDirectory + "/" + name
        // The job's earlier original of that name may still be in its claim, about to leave for error/.
        if FileOperations.exists(claimedPath) { return .waiting }
        let (inbox, work) = (folder.layout.inbox + "/" + name, folder.layout.claims)
        do {
            try await Blocking.run {
                try FileOperations.createDirectory(claimDirectory)
                guard rename(inbox, claimedPath) == 0 else { throw FileOperationError.failed("claim", path: inbox, errno: errno) }
                try FileOperations.sync(claimDirectory)
                try FileOperations.sync(work)
                try FileOperations.sync(FileOperations.parent(of: inbox))
            }
        } catch {
            if !FileOperations.exists(inbox) { return .vanished }
            logger.warning("cannot claim file yet", metadata: ["hotfolder": "\(folder.name)", "file": "\(name)", "error": "\(error)"])
            return .notReadableYet
        }
        do {
            let recorded = try await Self.recordPart(id: id, claimedPath: claimedPath, kind: kind, folder: folder, store: store,
                                                     node: node, detail: "claimed \(name) from the inbox (\(evidence.rawValue)) as the \(part)") ?? id
            logger.info("claimed the file of a part", metadata: ["job": "\(recorded)", "hotfolder": "\(folder.name)", "file": "\(name)",
                                                                 "part": "\(part)", "evidence": "\(evidence.rawValue)"])
            return .claimed(recorded)
        } catch JobStoreError.duplicate {
            return claimTakenOver(id, file: name)
        } catch {
            logger.error("claimed file but could not record the job; it will be adopted on recovery",
                         metadata: ["job": "\(id)", "hotfolder": "\(folder.name)", "file": "\(name)", "error": "\(error)"])
            return .claimed(id)
        }
    }

    /// Hashes a part's claimed file and records it with job `id` (made, waiting for its parts, when there is
    /// none yet). A job that moved on meanwhile leaves the file to a job of its own. Shared by intake and
    /// recovery; nil when the name does not say its order and part (left where it is).
    static func recordPart(id: JobID, claimedPath: String, kind: ArtworkKind?, folder: HotFolderConfiguration,
                           store: any JobStore, node: ClusterNode?, detail: String) async throws -> JobID? {
        let name = FileOperations.fileName(of: claimedPath)
        guard let (externalId, part) = orderAndPart(from: name, pattern: folder.filenamePattern) else { return nil }
        let (sha256, size) = try await Blocking.run { try FileOperations.sha256(of: claimedPath) }
        func record(_ id: JobID, at path: String) async throws {
            if try await store.job(id) == nil {
                let now = Date()
                let job = Job(id: id, status: .awaitingFile, hotfolder: folder.name, fileName: name, claimedPath: nil, originalPath: nil,
                              sha256: nil, sizeBytes: nil, kind: nil, externalId: externalId, product: folder.product,
                              createdAt: now, updatedAt: now)
                try await store.create(job, detail: "the first file of order \(externalId) arrived; the job waits for its parts "
                                       + folder.product.partNames.joined(separator: ", "))
            }
            try await store.receivePart(id, part: part, file: ArrivedFile(fileName: name, claimedPath: path, sha256: sha256, sizeBytes: size,
                                                                          kind: kind, hotfolder: folder.name),
                                        detail: detail, actor: nil)
            // The node that claimed the part runs the job: the claim is in its area.
            if let node { _ = try await node.hold(id) }
        }
        do {
            try await record(id, at: claimedPath)
            return id
        } catch let error as JobStoreError {
            switch error {
            case .partAlreadyReceived, .takesNoPart:
                let claims = folder.layout.claims
                let (own, path) = try await Blocking.run { try Self.reclaim(claimedPath, claims: claims) }
                try await record(own, at: path)
                return own
            default:
                throw error
            }
        }
    }

    /// The order's job a part's file goes to: the one waiting for its parts, else its latest when that failed
    /// preflight or was rejected (the file starts its next revision).
    private func jobTakingPart(of externalId: String) async -> Job? {
        if let waiting = try? await store.jobs(matching: JobFilter(statuses: [.awaitingFile], hotfolder: folder.name,
                                                                   externalId: externalId, limit: 1)).first {
            return waiting
        }
        guard let latest = try? await store.jobs(matching: JobFilter(hotfolder: folder.name, externalId: externalId,
                                                                     order: .newestFirst, limit: 1)).first,
              [.preflightFailed, .rejected].contains(latest.status) else { return nil }
        return latest
    }

    /// The order and the part a file's name says, by the folder's filename_pattern's externalId (or
    /// orderReference) and part groups; the part in lower case.
    static func orderAndPart(from name: String, pattern: String?) -> (externalId: String, part: String)? {
        guard let pattern, let expression = try? NSRegularExpression(pattern: pattern),
              let match = expression.firstMatch(in: name, range: NSRange(name.startIndex..., in: name)),
              let externalId = externalId(from: name, pattern: pattern) else { return nil }
        let range = match.range(withName: "part")
        guard range.location != NSNotFound, let swiftRange = Range(range, in: name) else { return nil }
        return (externalId, name[swiftRange].lowercased())
    }

    /// The job that takes a file named `name`, by the externalId the folder's filename_pattern finds in it:
    /// an API job in awaiting_file, else the order's latest job when it failed preflight or was rejected.
    private func jobTakingFile(named name: String) async -> JobID? {
        guard let externalId = Self.externalId(from: name, pattern: folder.filenamePattern) else { return nil }
        if let waiting = try? await store.jobs(matching: JobFilter(statuses: [.awaitingFile], externalId: externalId, limit: 1)).first {
            return waiting.id
        }
        guard let latest = try? await store.jobs(matching: JobFilter(externalId: externalId, order: .newestFirst, limit: 1)).first,
              [.preflightFailed, .rejected].contains(latest.status) else { return nil }
        return latest.id
    }

    /// Moves a file claimed for a job that no longer takes it (and its ticket) into a claim of its own.
    private static func reclaim(_ claimedPath: String, claims: String) throws -> (JobID, String) {
        let id = JobID.generate()
        let directory = claims + "/" + id.rawValue
        try FileOperations.createDirectory(directory)
        let name = FileOperations.fileName(of: claimedPath)
        let old = FileOperations.parent(of: claimedPath)
        guard rename(claimedPath, directory + "/" + name) == 0 else { throw FileOperationError.failed("claim", path: claimedPath, errno: errno) }
        for ticket in SidecarTicket.candidateNames(for: name) where FileOperations.exists(old + "/" + ticket) {
            _ = rename(old + "/" + ticket, directory + "/" + ticket)
        }
        try FileOperations.sync(directory)
        try FileOperations.sync(old)
        return (id, directory + "/" + name)
    }

    /// A ticket stays in the inbox until its artwork claims it; one whose artwork never comes is set aside
    /// after the ticket timeout.
    private func holdTicket(_ name: String) async -> IntakeOutcome {
        let path = folder.layout.inbox + "/" + name
        guard FileOperations.exists(path) else { return .vanished }
        guard Self.age(of: path) >= folder.ticketTimeout.seconds else { return .waiting }
        let stem = (name as NSString).deletingPathExtension
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.layout.inbox)) ?? []
        if names.contains(where: { $0 != name && ($0 == stem || ($0 as NSString).deletingPathExtension == stem) }) { return .waiting }
        return await setAside(name, reason: "\(name) is a ticket, but no artwork named \(stem) arrived within \(Int(folder.ticketTimeout.seconds)) s")
    }

    /// Seconds since the file last changed place or content (ctime: a rename into the inbox counts).
    static func age(of path: String) -> Double {
        var info = stat()
        guard stat(path, &info) == 0 else { return 0 }
        let changed = Double(info.st_ctim.tv_sec) + Double(info.st_ctim.tv_nsec) / 1e9
        return Date().timeIntervalSince1970 - changed
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

    /// Moves an unusable file to unsupported/ with `NAME.reason.txt` beside it. Never deletes.
    ///
    /// The reason goes down first: a stop between the two steps leaves a reason waiting for its file (still
    /// in the inbox, set aside again under that name at the next scan), never a file without its reason.
    private func setAside(_ name: String, reason: String) async -> IntakeOutcome {
        let source = folder.layout.inbox + "/" + name
        let unsupported = folder.layout.unsupported
        do {
            let destination = try await Blocking.run {
                var info = stat()
                if stat(source, &info) == 0, info.st_nlink > 1 {
                    // An earlier attempt stopped between link and unlink, its reason already written: finish it.
                    return try FileOperations.move(source, into: unsupported, preferredName: name)
                }
                let text = Data((reason + "\n").utf8)
                let free = FileOperations.candidateNames(for: name).first { !FileOperations.exists(unsupported + "/" + $0) } ?? name
                let planned = unsupported + "/" + free
                try FileOperations.writeDurably(text, to: planned + ".reason.txt")
                let destination = try FileOperations.move(source, into: unsupported, preferredName: free)
                if destination != planned {
                    try FileOperations.writeDurably(text, to: destination + ".reason.txt")
                    unlink(planned + ".reason.txt")
                }
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
