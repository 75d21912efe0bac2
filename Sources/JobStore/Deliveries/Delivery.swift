import Foundation

/// One event on its way to one endpoint: a row in the store from the moment it is planned, so that nothing
/// is lost to a restart, and with its body fixed then, so that every retry sends the same bytes.
/// The planned part (endpoint, event, body) reads as the delivery's own: `delivery.endpoint`.
@dynamicMemberLookup
public struct Delivery: Sendable, Hashable {
    /// `refused`: the endpoint's address is one `callbacks.allowed_networks` does not allow; nothing was sent.
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable { case pending, delivered, dead, refused }

    public var id: Int64
    public var planned: PlannedDelivery
    public var status: Status
    public var attempts: Int
    /// Attempts made before the current retry schedule began: a redelivery starts the schedule afresh.
    public var scheduleStart: Int
    public var nextAttemptAt: Date
    public var lastStatus: Int?
    public var lastError: String?
    public var createdAt: Date
    public var finishedAt: Date?

    public subscript<T>(dynamicMember keyPath: KeyPath<PlannedDelivery, T>) -> T { planned[keyPath: keyPath] }
}

/// A delivery to be planned.
public struct PlannedDelivery: Sendable, Hashable {
    public var endpoint: String
    public var subscription: String?
    public var eventSequence: Int64
    public var eventId: String
    public var jobId: JobID
    public var body: Data

    public init(endpoint: String, subscription: String? = nil, eventSequence: Int64, eventId: String, jobId: JobID, body: Data) {
        self.endpoint = endpoint
        self.subscription = subscription
        self.eventSequence = eventSequence
        self.eventId = eventId
        self.jobId = jobId
        self.body = body
    }
}

/// One try, as the delivery log shows it.
public struct DeliveryAttempt: Sendable, Hashable {
    public var deliveryId: Int64
    public var number: Int
    public var at: Date
    public var httpStatus: Int?
    public var durationMs: Int
    public var error: String?

    public init(deliveryId: Int64, number: Int, at: Date, httpStatus: Int?, durationMs: Int, error: String?) {
        self.deliveryId = deliveryId
        self.number = number
        self.at = at
        self.httpStatus = httpStatus
        self.durationMs = durationMs
        self.error = error
    }
}

/// What became of an attempt.
public enum DeliveryOutcome: Sendable, Hashable {
    case delivered
    case retry(at: Date)
    case dead
    /// Not sent: the address is not allowed. Final until an admin lists the network and redelivers.
    case refused
}

/// Where deliveries live: beside the events they carry, so planning and the cursor commit together.
public protocol DeliveryStore: Sendable {
    /// The global event sequence up to which deliveries have been planned.
    func plannedThrough() async throws -> Int64
    /// Stores the deliveries and moves the cursor to `sequence`, in one transaction; a delivery planned
    /// before (same endpoint and event) is not planned twice.
    func plan(_ deliveries: [PlannedDelivery], through sequence: Int64) async throws
    /// Endpoints with a delivery due at `now`, the one with the oldest due event first: what the sender
    /// starts on, one slot per endpoint, so a backlog to one endpoint never hides another's.
    func dueEndpoints(at now: Date, limit: Int) async throws -> [String]
    /// Takes the next due delivery to `endpoint`, oldest event first; a later event of a job waits while an
    /// earlier one to the same endpoint is still pending. What an endpoint's sender takes next.
    ///
    /// Taken for `holder` (a node) for `lease`: on a store several agents share, no other node takes it until
    /// its attempt is recorded or the lease runs out (its node died mid-attempt), and one being taken by
    /// another node at the same moment is skipped, not waited for. So each delivery is in flight on one node
    /// at a time, and a job's events still reach an endpoint in order. SQLite's one agent sends each endpoint's
    /// deliveries one at a time itself.
    func takeDueDelivery(at now: Date, endpoint: String, holder: String, lease: Duration) async throws -> Delivery?
    /// The earliest time a pending delivery is due, if any.
    func nextDueTime() async throws -> Date?
    /// Records the attempt and its outcome in one transaction. The outcome applies only while the delivery
    /// is still pending at the attempt it was made from: an attempt that was in flight when the delivery
    /// ended (its subscription deleted) or was redelivered is logged, and changes nothing.
    func record(_ attempt: DeliveryAttempt, outcome: DeliveryOutcome, error: String?) async throws
    func delivery(_ id: Int64) async throws -> Delivery?
    func attempts(of id: Int64) async throws -> [DeliveryAttempt]
    func deliveries(of job: JobID) async throws -> [Delivery]
    /// Deliveries in `status` (any when nil), newest first.
    func deliveries(status: Delivery.Status?, limit: Int) async throws -> [Delivery]
    /// Makes a delivered, dead or refused delivery pending again, due now, with a fresh retry schedule;
    /// false when there is none or it is pending.
    func redeliver(_ id: Int64) async throws -> Bool
    /// Deliveries by status, for /metrics.
    func deliveryCounts() async throws -> [Delivery.Status: Int]
}
