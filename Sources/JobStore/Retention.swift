import Foundation

/// How long the store keeps what it no longer needs (`retention:` in the config). Nothing here reaches the
/// shop's folders: `out/`, `originals/` and `error/` are the shop's, and only the agent's own rows and job
/// workspaces (under the state directory) are removed.
public struct RetentionPolicy: Sendable, Hashable {
    /// Jobs that ended (print_ready, preflight_failed, rejected, failed, cancelled) this long ago go, with
    /// their events, outputs, deliveries and workspace.
    public var finishedJobs: Duration
    /// Delivery attempts (the delivery log's lines) older than this go; the deliveries stay with their job.
    public var deliveryAttempts: Duration
    /// Idempotency keys and their stored answers older than this go (they answer repeats for 24 h).
    public var idempotencyKeys: Duration

    public init(finishedJobs: Duration = .seconds(90 * 86400), deliveryAttempts: Duration = .seconds(30 * 86400),
                idempotencyKeys: Duration = .seconds(86400)) {
        self.finishedJobs = finishedJobs
        self.deliveryAttempts = deliveryAttempts
        self.idempotencyKeys = idempotencyKeys
    }

    /// The cut-off dates at `now`.
    public func cutoffs(at now: Date) -> PurgeCutoffs {
        PurgeCutoffs(finishedJobsBefore: now.addingTimeInterval(-finishedJobs.seconds),
                     attemptsBefore: now.addingTimeInterval(-deliveryAttempts.seconds),
                     idempotencyKeysBefore: now.addingTimeInterval(-idempotencyKeys.seconds))
    }
}

public struct PurgeCutoffs: Sendable, Hashable {
    public var finishedJobsBefore: Date
    public var attemptsBefore: Date
    public var idempotencyKeysBefore: Date

    public init(finishedJobsBefore: Date, attemptsBefore: Date, idempotencyKeysBefore: Date) {
        self.finishedJobsBefore = finishedJobsBefore
        self.attemptsBefore = attemptsBefore
        self.idempotencyKeysBefore = idempotencyKeysBefore
    }
}

/// What a purge removed (or, on a dry run, would remove).
public struct PurgeReport: Sendable, Hashable {
    public var jobs: [JobID] = []
    public var events = 0
    public var deliveries = 0
    public var attempts = 0
    public var idempotencyKeys = 0
    /// Job workspaces removed and the bytes they held (filled in by the caller that removes them).
    public var workspaces = 0
    public var workspaceBytes: Int64 = 0

    public init() {}

    /// Counts one batch of finished jobs with what went with them.
    mutating func add(jobs: [JobID], events: Int, deliveries: Int, attempts: Int) {
        self.jobs += jobs
        self.events += events
        self.deliveries += deliveries
        self.attempts += attempts
    }

    /// One line for the log and the command line.
    public var summary: String {
        "\(jobs.count) finished job(s) with \(events) event(s) and \(deliveries) delivery(ies), \(attempts) delivery attempt(s), "
            + "\(idempotencyKeys) idempotency key(s), \(workspaces) workspace(s) of \(ByteCountFormatter.string(fromByteCount: workspaceBytes, countStyle: .file))"
    }
}

/// Stores that can forget what retention says they may.
public protocol RetentionStore: Sendable {
    /// Removes (or with `dryRun` only counts) what lies before the cut-offs, in batches so the agent's
    /// own writes are never held up for long; returns what it removed.
    func purge(_ cutoffs: PurgeCutoffs, dryRun: Bool) async throws -> PurgeReport
}
