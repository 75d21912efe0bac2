import Foundation
import Pipeline

/// The durable record of every job and its history.
///
/// A protocol so that a shared PostgreSQL store can replace the embedded SQLite one when several agents
/// serve the same folders. Every implementation promises: a state change and its event are one
/// transaction, committed durably before the call returns, and illegal transitions are refused here.
public protocol JobStore: Sendable {
    /// Records a new job in `job.status` (received or awaiting_file) with its first event.
    ///
    /// With an idempotency record, the job and the record are one transaction; when the record's key is
    /// taken already, nothing is created and the stored record is returned instead.
    @discardableResult
    func create(_ job: Job, detail: String?, idempotency: IdempotencyRecord?) async throws -> IdempotencyRecord?
    /// The record stored under `key` for `owner`, if it was made at or after `notBefore`.
    func idempotencyRecord(key: String, owner: String, notBefore: Date) async throws -> IdempotencyRecord?
    func job(_ id: JobID) async throws -> Job?
    /// Jobs matching `filter`, oldest first.
    func jobs(matching filter: JobFilter) async throws -> [Job]
    /// How many jobs are in each state.
    func jobCounts() async throws -> [JobState: Int]
    /// The job's transitions, oldest first.
    func events(of id: JobID) async throws -> [JobEvent]
    /// The job and its transitions, read together (one consistent snapshot, one round trip).
    func jobWithEvents(_ id: JobID) async throws -> (Job, [JobEvent])?
    /// Every job's transitions with a global sequence above `sequence`, in order: the event feed.
    func events(after sequence: Int64, limit: Int) async throws -> [JobEvent]
    /// Waits at most `limit` for a sign that events may have been written (by any process or agent), and
    /// returns early when there is one: how a long poll learns of new events without reading the store
    /// over and over. A store without such signs waits a short while (see `pollingForEvents`).
    func waitForEvents(upTo limit: Duration, since mark: EventMark) async
    /// Where the store's signs of new events stand now; taken before reading, so that an event committed
    /// between the read and the wait is not missed.
    func eventMark() -> EventMark
    /// The highest global sequence written so far (0 for an empty store).
    func lastEventSequence() async throws -> Int64
    /// Moves the job to `state` if its state machine allows it, writing the event in the same transaction.
    @discardableResult
    func transition(_ id: JobID, to state: JobState, detail: String?, update: JobUpdate) async throws -> Job
    /// Voids every proof-page link handed out for the job so far; returns the new epoch new links carry.
    func revokeProofLinks(_ id: JobID) async throws -> Int
    /// Counts one more stage of the job that failed for an unknown reason and returns the count so far
    /// (since the job was created or last started over), so retries stay bounded across restarts.
    func recordInternalFailure(_ id: JobID) async throws -> Int
    /// Records where a named output (report, proof page, print-ready file) of the job is published.
    func recordOutput(_ id: JobID, name: String, path: String) async throws
    /// The job's published outputs by name.
    func outputs(of id: JobID) async throws -> [String: String]
    /// Records where the original is, or is about to be moved to, without a state change.
    func recordOriginalPath(_ id: JobID, path: String) async throws
    /// Records the file of part `part` of a job whose product has parts. A job in awaiting_file takes each part
    /// once (a `job.part_received` event), and the last missing part moves it to received in the same
    /// transaction; a job that failed preflight or was rejected takes it as its next revision, the part's
    /// file replaced and the other parts' kept. Returns the job as it is after.
    @discardableResult
    func receivePart(_ id: JobID, part: String, file: ArrivedFile, detail: String?, actor: EventActor?) async throws -> Job
    /// Records where a part's original is, or is about to be moved to.
    func recordPartOriginalPath(_ id: JobID, part: String, path: String) async throws
    /// The job's earlier revisions, oldest first (the current one is the job itself).
    func revisions(of id: JobID) async throws -> [JobRevision]
    /// How many changes to the job this process has committed, and on PostgreSQL how many other agents and
    /// the CLI have (heard by NOTIFY): a view built at an earlier count is stale. SQLite hears no other
    /// process; caches bound their age for what a store does not hear.
    func localChangeCount(of id: JobID) -> UInt64
    /// Whether `localChangeCount` takes in every change by any process right now (PostgreSQL while its
    /// listener is connected): a view built at the current count is then current however old it is, and a
    /// cache need not bound its age for changes it would not hear.
    var hearsEveryChange: Bool { get }
}

/// A point in a store's signs of new events (see `JobStore.waitForEvents`).
public struct EventMark: Sendable, Equatable {
    public var value: Int
    public init(_ value: Int) { self.value = value }
}

extension JobStore {
    /// A store hears only its own process's changes unless it says otherwise.
    public var hearsEveryChange: Bool { false }

    /// For a store that has no signs of new events: each wait is a short sleep, so a long poll reads the
    /// store every 200 ms.
    public func pollingForEvents(upTo limit: Duration) async {
        try? await Task.sleep(for: min(limit, .milliseconds(200)))
    }

    public func create(_ job: Job, detail: String?) async throws {
        try await create(job, detail: detail, idempotency: nil)
    }

    @discardableResult
    public func transition(_ id: JobID, to state: JobState, detail: String? = nil) async throws -> Job {
        try await transition(id, to: state, detail: detail, update: JobUpdate())
    }
}

/// What the store refuses, in words an operator or integrator can act on.
public enum JobStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    case notFound(JobID)
    case illegalTransition(JobID, from: JobState, to: JobState)
    case duplicate(JobID)
    /// A new revision was asked of a job that did not end in preflight_failed or rejected, or without a file.
    case noNewRevision(JobID, from: JobState)
    /// A file for a part the job's product does not have.
    case noSuchPart(JobID, part: String, parts: [String])
    /// A second file for a part while the job still waits for its other parts.
    case partAlreadyReceived(JobID, part: String)
    /// A part's file for a job that is neither waiting for files nor ended in preflight_failed or rejected.
    case takesNoPart(JobID, from: JobState)
    /// A change made as the job's holder (`JobUpdate.heldUnder`) by a node that no longer holds it: another
    /// node took it over while this one was taken for dead.
    case notHeld(JobID, by: NodeLease)

    public var description: String {
        switch self {
        case .notFound(let id): "there is no job \(id)"
        case .illegalTransition(let id, let from, let to): "job \(id) is \(from.rawValue) and cannot become \(to.rawValue)"
        case .duplicate(let id): "job \(id) exists already"
        case .noNewRevision(let id, let from): "job \(id) is \(from.rawValue); only a job that failed preflight or was rejected takes a new file"
        case .noSuchPart(let id, let part, let parts):
            parts.isEmpty ? "job \(id) is one file, not parts; send its file with PUT /api/v1/jobs/\(id)/file"
                : "job \(id) has no part '\(part)'; its parts are \(parts.joined(separator: ", "))"
        case .partAlreadyReceived(let id, let part): "job \(id) has the file of its part '\(part)' already and waits for its other parts"
        case .takesNoPart(let id, let from):
            "job \(id) is \(from.rawValue); a part's file is taken while the job waits for its files, and as a new version after preflight_failed or rejected"
        case .notHeld(let id, let lease): "job \(id) is run by another server now; \(lease.node) no longer holds it"
        }
    }
}

/// A stored answer to a request made with an `Idempotency-Key`.
public struct IdempotencyRecord: Sendable, Hashable {
    public var key: String
    /// The token name that made the request: keys are per caller.
    public var owner: String
    /// SHA-256 of the canonical request, to tell a repeat from another request under the same key.
    public var requestHash: String
    public var statusCode: Int
    public var responseBody: Data
    public var createdAt: Date

    public init(key: String, owner: String, requestHash: String, statusCode: Int, responseBody: Data, createdAt: Date) {
        self.key = key
        self.owner = owner
        self.requestHash = requestHash
        self.statusCode = statusCode
        self.responseBody = responseBody
        self.createdAt = createdAt
    }
}

extension IdempotencyRecord {
    /// How long a key is remembered.
    public static let lifetime: TimeInterval = 24 * 3600
}
