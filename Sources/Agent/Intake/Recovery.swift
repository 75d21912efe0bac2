import Bridge
import Foundation
import JobStore
import Logging
import Pipeline

/// Makes the claim areas and the store agree after a crash, before any watcher starts.
///
/// A `.work/<node>/<job id>/` folder with a file but no job row is a claim whose commit never happened: it
/// is adopted as that job. An empty one, or one left by a finished job, is removed. Non-terminal jobs need
/// nothing here: the dispatcher's first sweep resumes them from their last completed stage. Claims of the
/// old layout (`.work/<job id>/`, before claim areas were per node) are recovered the same way, in place;
/// other nodes' claim areas are theirs (or their rescuers').
struct Recovery: Sendable {
    let configuration: AgentConfiguration
    let store: any JobStore
    let logger: Logger
    /// This agent among several sharing the store; nil when it is alone.
    var node: ClusterNode?

    @discardableResult
    func run() async throws -> (adopted: Int, resumable: Int) {
        var adopted = 0
        for folder in configuration.hotfolders {
            for directory in folder.layout.all + [folder.layout.claims] {
                try FileOperations.createDirectory(directory)
                removeOwnTemporaries(in: directory, folder: folder.name)
            }
            let legacy = try FileManager.default.contentsOfDirectory(atPath: folder.layout.work).sorted().filter { JobID($0) != nil }
            let claims = legacy.map { folder.layout.work + "/" + $0 }
                + (try FileManager.default.contentsOfDirectory(atPath: folder.layout.claims).sorted().map { folder.layout.claims + "/" + $0 })
            for directory in claims {
                adopted += try await recoverClaim(at: directory, folder: folder)
            }
        }
        let runnable = Set(JobState.allCases.filter(\.isRunnable))
        let resumable = try await store.jobs(matching: JobFilter(statuses: runnable, heldBy: node?.name)).count
        if adopted > 0 || resumable > 0 {
            logger.info("recovered jobs", metadata: ["adopted": "\(adopted)", "resuming": "\(resumable)"])
        }
        return (adopted, resumable)
    }

    /// Makes one claim folder and the store agree; returns how many files it adopted.
    func recoverClaim(at directory: String, folder: HotFolderConfiguration) async throws -> Int {
        var adopted = 0
        let entry = FileOperations.fileName(of: directory)
        guard let id = JobID(entry) else {
            logger.warning("unexpected item in the claim area left alone", metadata: ["hotfolder": "\(folder.name)", "item": "\(entry)"])
            return 0
        }
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { !$0.hasPrefix(".") }
        let job = try await store.job(id)
        if let node, job != nil {
            // Another node runs the job: it brings the claim into its own area. One nobody holds
            // (its node stopped between making it and taking it) is this node's.
            guard try await node.hold(id) else { return 0 }
        }
        if folder.product.hasParts {
            adopted += try await adoptParts(in: directory, files: files, job: job, folder: folder)
            if files.isEmpty, job == nil || job?.status.isTerminal == true { rmdir(directory) }
            return adopted
        }
        // The artwork, not a ticket claimed with it.
        let artwork = files.first(where: { !SidecarTicket.isTicketName($0) }) ?? files.first
        // No row yet, an API job still waiting for the file claimed for it, or an ended job whose next
        // revision's file was claimed (a file that is not the job's own original).
        let takesClaim = job == nil || job?.status == .awaitingFile
            || ([.preflightFailed, .rejected].contains(job?.status) && artwork.map { directory + "/" + $0 }.map {
                $0 != job?.claimedPath && $0 != job?.originalPath } == true)
        if takesClaim, let file = artwork {
            let path = directory + "/" + file
            let (adoptedID, _) = try await Intake.record(id: id, claimedPath: path, kind: try? ArtworkKind.sniff(fileAt: path), folder: folder,
                                                         store: store, node: node, forExistingJob: job != nil,
                                                         detail: "adopted \(file) from the claim area after a restart")
            logger.info("adopted claimed file after a restart", metadata: ["job": "\(adoptedID)", "hotfolder": "\(folder.name)", "file": "\(file)"])
            adopted += 1
        } else if files.isEmpty, job == nil || job?.status.isTerminal == true {
            rmdir(directory)
        }
        return adopted
    }

    /// Part files claimed for job `id` that it does not hold yet: the commit after the claim never
    /// happened (no job row, or a job waiting for parts), or the file is a failed job's next revision (a part
    /// whose own original has left the claim). A part's original still claimed is the job's already.
    private func adoptParts(in directory: String, files: [String], job: Job?, folder: HotFolderConfiguration) async throws -> Int {
        guard job == nil || [.awaitingFile, .preflightFailed, .rejected].contains(job?.status) else { return 0 }
        let held = Set(job?.originalsStillClaimed ?? [])
        var adopted = 0
        for file in files where !SidecarTicket.isTicketName(file) && !held.contains(directory + "/" + file) {
            let path = directory + "/" + file
            guard let id = JobID(FileOperations.fileName(of: directory)),
                  let recorded = try await Intake.recordPart(id: id, claimedPath: path, kind: try? ArtworkKind.sniff(fileAt: path),
                                                             folder: folder, store: store, node: node,
                                                             detail: "adopted \(file) from the claim area after a restart") else {
                logger.warning("a claimed file does not say its order and part; left in the claim area",
                               metadata: ["hotfolder": "\(folder.name)", "file": "\(file)"])
                continue
            }
            logger.info("adopted claimed file after a restart", metadata: ["job": "\(recorded)", "hotfolder": "\(folder.name)", "file": "\(file)"])
            adopted += 1
        }
        return adopted
    }

    /// The hidden half-written files of a write the agent was killed in (a reason beside a file set aside, a
    /// report copied out): never a customer's file, and if left they would show in unsupported/ or out/ as
    /// if they were one.
    private func removeOwnTemporaries(in directory: String, folder: String) {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] where FileOperations.isOwnTemporary(name) {
            if unlink(directory + "/" + name) == 0 {
                logger.info("removed a half-written file left by a stop", metadata: ["hotfolder": "\(folder)", "file": "\(name)"])
            }
        }
    }
}
