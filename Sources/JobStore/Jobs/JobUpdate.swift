import Foundation
import Pipeline

/// What a transition may change besides the state, in the same transaction.
public struct JobUpdate: Sendable, Hashable {
    public var originalPath: String?
    public var failureReason: String?
    public var clearsFailureReason = false
    /// Set when a job waiting for its file gets one (an upload, or a file dropped into a hot folder).
    public var arrivedFile: ArrivedFile?
    /// Who asks for the change; recorded on its event.
    public var actor: EventActor?
    /// The arrived file is a new version of a job that failed preflight or was rejected: the revision
    /// ends, is kept, and the next one starts (only with `arrivedFile`, only into received).
    public var startsRevision = false
    /// Made by the node running the job, as its holder: refused (`JobStoreError.notHeld`) unless the node
    /// still holds the job under this lease, so a node taken for dead cannot move a job rescued from it.
    /// Checked by a store several agents share; on SQLite one agent holds every job.
    public var heldUnder: NodeLease?

    public init(originalPath: String? = nil, failureReason: String? = nil, clearsFailureReason: Bool = false,
                arrivedFile: ArrivedFile? = nil, actor: EventActor? = nil, startsRevision: Bool = false, heldUnder: NodeLease? = nil) {
        self.heldUnder = heldUnder
        self.actor = actor
        self.startsRevision = startsRevision
        self.originalPath = originalPath
        self.failureReason = failureReason
        self.clearsFailureReason = clearsFailureReason
        self.arrivedFile = arrivedFile
    }
}

/// The artwork a job in awaiting_file receives, claimed and hashed.
public struct ArrivedFile: Sendable, Hashable {
    public var fileName: String
    public var claimedPath: String
    public var sha256: String
    public var sizeBytes: Int64
    public var kind: ArtworkKind?
    /// The hot folder it was dropped into, when it came that way.
    public var hotfolder: String?
    /// A sidecar ticket's product keys, applied over the job's.
    public var product: ProductSpec?

    public init(fileName: String, claimedPath: String, sha256: String, sizeBytes: Int64, kind: ArtworkKind?,
                hotfolder: String? = nil, product: ProductSpec? = nil) {
        self.fileName = fileName
        self.claimedPath = claimedPath
        self.sha256 = sha256
        self.sizeBytes = sizeBytes
        self.kind = kind
        self.hotfolder = hotfolder
        self.product = product
    }
}
