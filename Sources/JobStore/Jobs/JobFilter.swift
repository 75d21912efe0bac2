import Foundation

/// Which jobs a listing wants; nil fields do not filter.
public struct JobFilter: Sendable, Hashable {
    public enum Order: Sendable, Hashable { case oldestFirst, newestFirst }

    public var statuses: Set<JobState>?
    public var hotfolder: String?
    public var externalId: String?
    public var createdAfter: Date?
    public var createdBefore: Date?
    /// Keyset pagination: only jobs after this id in the listing's order.
    public var after: JobID?
    public var order: Order
    public var limit: Int?
    /// Only jobs whose original has not left the claim area (or upload folder) yet.
    public var originalStillClaimed: Bool
    /// Only jobs the node of this name holds (see `ClusterStore`). SQLite's one agent holds every job, so
    /// there it does not narrow the listing.
    public var heldBy: String?

    public init(statuses: Set<JobState>? = nil, hotfolder: String? = nil, externalId: String? = nil,
                createdAfter: Date? = nil, createdBefore: Date? = nil, after: JobID? = nil,
                order: Order = .oldestFirst, limit: Int? = nil, originalStillClaimed: Bool = false, heldBy: String? = nil) {
        self.heldBy = heldBy
        self.statuses = statuses
        self.hotfolder = hotfolder
        self.externalId = externalId
        self.createdAfter = createdAfter
        self.createdBefore = createdBefore
        self.after = after
        self.order = order
        self.limit = limit
        self.originalStillClaimed = originalStillClaimed
    }
}
