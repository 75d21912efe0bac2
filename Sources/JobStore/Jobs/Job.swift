import Foundation
import Pipeline

/// A job as the store holds it: one artwork file on its way through the pipeline.
public struct Job: Sendable, Hashable, Codable {
    public var id: JobID
    public var status: JobState
    /// The hot folder the file came from; nil for jobs created through the API without one.
    public var hotfolder: String?
    public var fileName: String
    /// Where the claimed file lives while the job runs (inside the folder's .work area).
    public var claimedPath: String?
    /// Where the original is now: the claimed path, then originals/ or error/ when the job ends.
    public var originalPath: String?
    public var sha256: String?
    public var sizeBytes: Int64?
    public var kind: ArtworkKind?
    public var externalId: String?
    public var product: ProductSpec
    /// The operator-facing reason of the last failure, kept when the job is retried.
    public var failureReason: String?
    public var createdAt: Date
    public var updatedAt: Date
    /// What an API job ordered beyond the product; nil means the hot folder's setting.
    public var order: JobOrder
    /// Proof-page links carry the epoch they were minted in; a new proof or a revocation moves it on,
    /// and older links stop working.
    public var proofLinkEpoch: Int = 0
    /// Which version of the artwork the job is on: 1, and one more each time a new file replaces one that
    /// failed preflight or was rejected. Earlier revisions are kept as `JobRevision`s.
    public var revision: Int = 1
    /// For a product with parts: the files of the parts received so far, in the product's order of parts.
    /// The job's own file fields then name no file (`fileName` is the first part's, for output names).
    public var parts: [JobPartFile] = []

    public init(id: JobID, status: JobState, hotfolder: String?, fileName: String, claimedPath: String?,
                originalPath: String?, sha256: String?, sizeBytes: Int64?, kind: ArtworkKind?, externalId: String?,
                product: ProductSpec, failureReason: String? = nil, createdAt: Date, updatedAt: Date,
                order: JobOrder = JobOrder(), proofLinkEpoch: Int = 0, revision: Int = 1) {
        self.proofLinkEpoch = proofLinkEpoch
        self.revision = revision
        self.id = id
        self.status = status
        self.hotfolder = hotfolder
        self.fileName = fileName
        self.claimedPath = claimedPath
        self.originalPath = originalPath
        self.sha256 = sha256
        self.sizeBytes = sizeBytes
        self.kind = kind
        self.externalId = externalId
        self.product = product
        self.failureReason = failureReason
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.order = order
    }
}

/// One transition in a job's history. `sequence` counts per job from 1; `globalSequence` orders all events
/// (the feed's cursor); `id` ("evt_" and a ULID) is unique across stores, so a receiver that drops repeats
/// never drops a new event after a store is reset or restored.
public struct JobEvent: Sendable, Hashable, Codable {
    public var id: String
    public var globalSequence: Int64
    public var jobId: JobID
    public var sequence: Int
    public var from: JobState?
    public var to: JobState
    public var at: Date
    public var detail: String?
    /// Who made the change, when a person or client did (approvals, rejections, cancels, retries).
    public var actor: EventActor?
    /// Whether this event began a new revision (a new file for a job that failed preflight or was rejected).
    public var startsRevision: Bool = false
    /// The part whose file arrived with this event (job.part_received, or a part's new revision).
    public var part: String?
    /// What of the job an event tells that the job itself changes later; nil for events written before
    /// stores kept it.
    public var jobAtEvent: JobAtEvent?
}

/// The job's own facts as they stood right after an event, kept with the event, so a callback planned
/// late (the agent was down, the planner behind) and a feed read a week later tell the event as it was:
/// its failure reason, not a later one, and a proof link to the proof of that moment.
public struct JobAtEvent: Sendable, Hashable, Codable {
    public var failureReason: String?
    public var proofLinkEpoch: Int
    /// nil for events written before revisions existed (they were all of revision 1).
    public var revision: Int?

    public init(failureReason: String?, proofLinkEpoch: Int, revision: Int? = nil) {
        self.failureReason = failureReason
        self.proofLinkEpoch = proofLinkEpoch
        self.revision = revision
    }
}

/// An earlier version of a job's artwork, as it ended: its file, how it ended and why. Its report and
/// proofs are kept in the job's workspace under `revisions/N/`.
public struct JobRevision: Sendable, Hashable, Codable {
    public var jobId: JobID
    public var revision: Int
    /// preflight_failed or rejected.
    public var status: JobState
    public var fileName: String
    public var sha256: String?
    public var sizeBytes: Int64?
    /// Where the revision's original was when the next began (error/ of its hot folder, or the workspace).
    public var originalPath: String?
    public var failureReason: String?
    public var endedAt: Date

    public init(jobId: JobID, revision: Int, status: JobState, fileName: String, sha256: String?, sizeBytes: Int64?,
                originalPath: String?, failureReason: String?, endedAt: Date) {
        self.jobId = jobId
        self.revision = revision
        self.status = status
        self.fileName = fileName
        self.sha256 = sha256
        self.sizeBytes = sizeBytes
        self.originalPath = originalPath
        self.failureReason = failureReason
        self.endedAt = endedAt
    }
}

extension Job {
    /// The job as `event` left it: its status, failure reason and proof epoch then; the rest as it is.
    public func asOf(_ event: JobEvent) -> Job {
        var job = self
        job.status = event.to
        if let then = event.jobAtEvent {
            job.failureReason = then.failureReason
            job.proofLinkEpoch = then.proofLinkEpoch
            job.revision = then.revision ?? 1
        }
        return job
    }
}

/// Who made a change: an API token by name, or the proof page (a customer with a link), with where the
/// request came from. Kept in the job's history so a shop can say who approved what.
public struct EventActor: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable { case token, proofPage = "proof_page", commandLine = "command_line" }

    public var kind: Kind
    /// The token's name; nil for the proof page.
    public var name: String?
    public var address: String?
    public var userAgent: String?

    public init(kind: Kind, name: String? = nil, address: String? = nil, userAgent: String? = nil) {
        self.kind = kind
        self.name = name
        self.address = address
        // Bounded: a header is the client's to choose.
        self.userAgent = userAgent.map { String($0.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7f }.prefix(200)) }
    }

}
