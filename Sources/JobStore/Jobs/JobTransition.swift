import Foundation

/// What a transition does to a job, decided here once for every store: whether the state machine allows
/// it, what the job looks like after, and what else the store must write in the same transaction.
public struct JobTransition: Sendable {
    /// The job as the transition leaves it.
    public private(set) var after: Job
    /// The revision `before` was on ended (a new file for a failed or rejected job): the store keeps it.
    public let endedRevision: JobRevision?
    /// A job started over (received) gets its stage attempts anew.
    public var resetsInternalFailures: Bool { after.status == .received }

    public init(_ job: Job, to state: JobState, update: JobUpdate, at now: Date) throws(JobStoreError) {
        guard job.status.canMove(to: state) else { throw .illegalTransition(job.id, from: job.status, to: state) }
        // A rejected job starts over only as a new revision; a new revision needs a file and an ended job.
        if update.startsRevision {
            guard state == .received, update.arrivedFile != nil, [.preflightFailed, .rejected].contains(job.status) else {
                throw .noNewRevision(job.id, from: job.status)
            }
        } else if job.status == .rejected {
            throw .illegalTransition(job.id, from: job.status, to: state)
        }
        var next = job
        endedRevision = update.startsRevision ? Self.endRevision(of: &next, at: now) : nil
        next.status = state
        next.updatedAt = now
        if let path = update.originalPath { next.originalPath = path }
        if update.clearsFailureReason { next.failureReason = nil }
        if let reason = update.failureReason { next.failureReason = reason }
        if let file = update.arrivedFile {
            next.fileName = file.fileName
            next.claimedPath = file.claimedPath
            next.originalPath = file.claimedPath
            next.sha256 = file.sha256
            next.sizeBytes = file.sizeBytes
            next.kind = file.kind
            if let hotfolder = file.hotfolder { next.hotfolder = hotfolder }
            if let product = file.product { next.product = next.product.overridden(by: product) }
        }
        // A new proof is coming: links to the one before no longer decide anything.
        if state == .proofing { next.proofLinkEpoch += 1 }
        after = next
    }

    /// Ends the revision `job` is on: returns it as it ended and moves the job to the next one, whose proof
    /// links are new (the earlier revision's decide nothing any more).
    static func endRevision(of job: inout Job, at now: Date) -> JobRevision {
        let ended = JobRevision(jobId: job.id, revision: job.revision, status: job.status, fileName: job.fileName, sha256: job.sha256,
                                sizeBytes: job.sizeBytes, originalPath: job.originalPath, failureReason: job.failureReason, endedAt: now)
        job.revision += 1
        job.failureReason = nil
        job.proofLinkEpoch += 1
        return ended
    }
}

/// What the file of one part does to a job of parts (see `JobStore.receivePart`), decided here once for
/// every store.
public struct PartArrival: Sendable {
    /// The part's file as the store keeps it.
    public let file: JobPartFile
    /// The job after: its parts (with this one), and its status, received when this was the last one missing.
    public let after: Job
    /// The revision the job was on ended (a new file for a failed or rejected job); nil while it waits.
    public let endedRevision: JobRevision?
    /// The events to append, in order, each with the job as it stood after it.
    public let events: [Event]

    public struct Event: Sendable {
        public var job: Job
        public var from: JobState
        public var detail: String?
        public var part: String?
        public var startsRevision: Bool
    }

    public init(_ job: Job, part: String, file arrived: ArrivedFile, detail: String?, at now: Date) throws(JobStoreError) {
        guard job.product.partNames.contains(part) else { throw .noSuchPart(job.id, part: part, parts: job.product.partNames) }
        let previous = job.status
        switch previous {
        case .awaitingFile where job.file(ofPart: part) != nil: throw .partAlreadyReceived(job.id, part: part)
        case .awaitingFile, .preflightFailed, .rejected: break
        default: throw .takesNoPart(job.id, from: previous)
        }
        file = JobPartFile(part: part, fileName: arrived.fileName, claimedPath: arrived.claimedPath, originalPath: arrived.claimedPath,
                           sha256: arrived.sha256, sizeBytes: arrived.sizeBytes, kind: arrived.kind, receivedAt: now)
        var next = job
        if let hotfolder = arrived.hotfolder { next.hotfolder = hotfolder }
        if let product = arrived.product { next.product = next.product.overridden(by: product) }
        next.parts = next.product.inPartOrder(job.parts.filter { $0.part != part } + [file])
        // Output names start from the first part's name, as a single file's start from its own.
        next.fileName = next.parts.first?.fileName ?? arrived.fileName
        next.updatedAt = now
        if previous != .awaitingFile {
            endedRevision = JobTransition.endRevision(of: &next, at: now)
            next.status = .received
            events = [Event(job: next, from: previous, detail: detail, part: part, startsRevision: true)]
        } else {
            endedRevision = nil
            // The part's own event, then, when it was the last one missing, the job's move on.
            var events = [Event(job: next, from: .awaitingFile, detail: detail, part: part, startsRevision: false)]
            if next.missingParts.isEmpty {
                next.status = .received
                events.append(Event(job: next, from: .awaitingFile, detail: "every part has its file: " + next.product.partNames.joined(separator: ", "),
                                    part: nil, startsRevision: false))
            }
            self.events = events
        }
        after = next
    }
}
