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

    public init(id: JobID, status: JobState, hotfolder: String?, fileName: String, claimedPath: String?,
                originalPath: String?, sha256: String?, sizeBytes: Int64?, kind: ArtworkKind?, externalId: String?,
                product: ProductSpec, failureReason: String? = nil, createdAt: Date, updatedAt: Date,
                order: JobOrder = JobOrder()) {
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

/// One transition in a job's history. `sequence` counts per job from 1; `globalSequence` orders all events.
public struct JobEvent: Sendable, Hashable, Codable {
    public var globalSequence: Int64
    public var jobId: JobID
    public var sequence: Int
    public var from: JobState?
    public var to: JobState
    public var at: Date
    public var detail: String?
}
