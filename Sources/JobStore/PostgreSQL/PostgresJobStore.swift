import Foundation
import Logging
import Pipeline
import PostgresNIO

/// The job store on a PostgreSQL server, for several agents sharing one shop's jobs.
///
/// Every change is one transaction that locks the job's row first (`FOR UPDATE`), so two agents changing one
/// job take turns, and what the change does is decided by the same `JobTransition` and `PartArrival` as on
/// SQLite. Events take their global sequence from a one-row counter inside the transaction: the row stays
/// locked until commit, so sequences follow commit order and the feed never skips or repeats one.
public final class PostgresJobStore: JobStore {
    let client: PostgresClient
    let logger: Logger
    private let running: Task<Void, Never>
    /// Holds one connection that LISTENs for every agent's changes: it rings `bell` and counts the job's
    /// change, so caches keyed by `localChangeCount` see other agents' commits too.
    private let listening: Task<Void, Never>
    /// Gives up operations stuck on a connection the server closed (see `LostConnectionWatch`).
    let lostConnections = LostConnectionWatch()
    private let sweepingLostConnections: Task<Void, Never>
    let bell = EventBell()
    private let changes = JobChangeCounter()
    /// Tokens looked up, kept only while the listener hears every change: a token created or revoked on any
    /// agent notifies `tokensChanged` at commit and every agent drops what it kept. Not listening (the
    /// connection lost, not yet back), nothing is kept.
    let tokenCache = TokenLookupCache(keeping: false)
    /// The payload that says the access tokens changed (a job id never looks like it).
    static let tokensChanged = "tokens"
    /// The channel every change to a job notifies at commit, the job's id as the payload.
    static let changeChannel = "hfa_job_changes"
    private static let decodedColumns = DecodedJSONColumns()

    /// Connects (the client runs until `shutdown()`) and brings the schema up to date; a server that cannot
    /// be reached is an error at once (see `check`), not after the pool's retries.
    ///
    /// `idleTransactionLimit`: the server ends this store's sessions that sit in an open transaction for
    /// longer (`idle_in_transaction_session_timeout`). Every transaction here lasts milliseconds; one left
    /// open is an agent stalled mid-transaction (a paused VM, a SIGSTOP), whose row locks (the event counter's
    /// among them) would otherwise hold up every other agent until it woke.
    public convenience init(url: PostgresURL, logger: Logger, idleTransactionLimit: Duration? = nil) async throws {
        try await Self.check(url, logger: logger)
        var configuration = url.configuration
        if let idleTransactionLimit {
            let milliseconds = max(1, Int(idleTransactionLimit.seconds * 1000))
            configuration.options.additionalStartupParameters.append(("idle_in_transaction_session_timeout", "\(milliseconds)"))
        }
        try await self.init(configuration: configuration, logger: logger)
    }

    /// Connects (the client runs until `shutdown()`) and brings the schema up to date.
    public init(configuration: PostgresClient.Configuration, logger: Logger) async throws {
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        self.logger = logger
        // The pool warns about every lease asked before run() starts: nothing leases until it has.
        let (started, starting) = AsyncStream<Void>.makeStream()
        running = Task {
            starting.finish()
            await client.run()
        }
        for await _ in started {}
        listening = Task { [bell, changes, tokenCache] in
            await Self.listen(client, ringing: bell, counting: changes, tokens: tokenCache, logger: logger)
        }
        sweepingLostConnections = Task { [lostConnections] in await lostConnections.sweepUntilCancelled(logger: logger) }
        do {
            try await PostgresSchema.migrate(client, logger: logger)
        } catch {
            sweepingLostConnections.cancel()
            listening.cancel()
            running.cancel()
            await running.value
            throw error
        }
    }

    /// Listens for changes until cancelled; after a lost connection it listens again a second later and
    /// rings once, since what was notified meanwhile is lost (caches then age out, see JobViewResponseCache).
    private static func listen(_ client: PostgresClient, ringing bell: EventBell, counting changes: JobChangeCounter,
                               tokens: TokenLookupCache, logger: Logger) async {
        while !Task.isCancelled {
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: changeChannel) { notifications in
                        tokens.resume()
                        changes.beginHearingEveryChange()
                        bell.ring()
                        for try await notification in notifications {
                            if let id = JobID(notification.payload) {
                                changes.bump(id)
                            } else if notification.payload == tokensChanged {
                                tokens.clear()
                            }
                            bell.ring()
                        }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                logger.warning("the store's event listener lost its connection; it listens again", metadata: ["error": "\(error)"])
            }
            // What was notified meanwhile is lost: keep no token until listening again.
            tokens.suspend()
            changes.stopHearingEveryChange()
            bell.ring()
            try? await Task.sleep(for: .seconds(1))
        }
    }

    /// Connects once (no pool, which would retry for a minute) and asks the server one question, changing
    /// nothing: whether the store can be used, answered at once. Returns whether the connection is
    /// encrypted (TLS).
    @discardableResult
    public static func check(_ url: PostgresURL, logger: Logger) async throws -> Bool {
        let connection = try await PostgresConnection.connect(configuration: try url.connectionConfiguration(), id: 1, logger: logger)
        do {
            let encrypted = try await connection.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()", logger: logger)
                .collect().first.map { try $0.decode(Bool.self) } ?? false
            try await connection.close()
            return encrypted
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// Closes the connections; the store is not used after.
    ///
    /// Waits at most `limit` for the client to close: a connection the server ended under a lease (an agent
    /// that stalled mid-transaction and was cut off) can keep the pool from finishing, and a stopping agent
    /// must not wait for it for ever.
    public func shutdown(waitingAtMost limit: Duration = .seconds(10)) async {
        sweepingLostConnections.cancel()
        listening.cancel()
        running.cancel()
        let (ended, ending) = AsyncStream<Void>.makeStream()
        let closing = Task { [running] in
            await running.value
            ending.finish()
        }
        let timer = Task {
            try? await Task.sleep(for: limit)
            ending.finish()
        }
        for await _ in ended {}
        timer.cancel()
        closing.cancel()
    }

    public func localChangeCount(of id: JobID) -> UInt64 { changes.count(of: id) }

    public var hearsEveryChange: Bool { changes.isComplete }

    /// Counts a change this store made to job `id` (heard again by NOTIFY a moment later).
    func bumpChange(of id: JobID) { changes.bump(id) }

    /// Runs `body` in a transaction, rolled back when it throws; the store's own errors (an illegal move, a
    /// missing job) come out as they were thrown, not wrapped in the driver's transaction error.
    @discardableResult
    func inTransaction<Result: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> Result) async throws -> Result {
        do {
            // The connection is watched from before BEGIN, which can be dropped as any other query.
            return try await withConnection { [logger] connection in
                try await connection.withTransaction(logger: logger) { connection in try await body(connection) }
            }
        } catch let error as PostgresTransactionError {
            if error.commitError == nil, error.beginError == nil, let cause = error.closureError { throw cause }
            throw error
        }
    }

    /// One leased connection for `body`, given up if the server closes it under a query (see
    /// `LostConnectionWatch`).
    @discardableResult
    func withConnection<Result: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> Result) async throws -> Result {
        let client = self.client
        return try await lostConnections.run { using in
            try await client.withConnection { connection in
                using(connection)
                return try await body(connection)
            }
        }
    }

    // MARK: Jobs

    @discardableResult
    public func create(_ job: Job, detail: String?, idempotency: IdempotencyRecord?) async throws -> IdempotencyRecord? {
        let product = try Self.encode(job.product)
        let order = try Self.encode(job.order)
        defer { changes.bump(job.id) }
        return try await inTransaction { [self] connection in
            if let record = idempotency {
                let notBefore = record.createdAt.addingTimeInterval(-IdempotencyRecord.lifetime)
                // Taken by this request, or (a stale one) taken over; a live one under the key is the answer.
                let taken = try await connection.query("""
                    INSERT INTO idempotency_key (owner, key, request_hash, status_code, response_body, created_at)
                    VALUES (\(record.owner), \(record.key), \(record.requestHash), \(record.statusCode), \(record.responseBody), \(record.createdAt))
                    ON CONFLICT (owner, key) DO UPDATE SET request_hash = EXCLUDED.request_hash, status_code = EXCLUDED.status_code,
                        response_body = EXCLUDED.response_body, created_at = EXCLUDED.created_at
                    WHERE idempotency_key.created_at < \(notBefore)
                    RETURNING key
                    """, logger: logger).collect()
                if taken.isEmpty {
                    return try await Self.idempotencyRecord(connection, key: record.key, owner: record.owner, notBefore: notBefore, logger: logger)
                }
            }
            let inserted = try await connection.query("""
                INSERT INTO job (id, status, hotfolder, file_name, claimed_path, original_path, sha256, size_bytes, kind, external_id,
                                 product, failure_reason, created_at, updated_at, job_order, proof_link_epoch, revision)
                VALUES (\(job.id.rawValue), \(job.status.rawValue), \(job.hotfolder), \(job.fileName), \(job.claimedPath), \(job.originalPath),
                        \(job.sha256), \(job.sizeBytes), \(job.kind?.rawValue), \(job.externalId), \(product), \(job.failureReason),
                        \(job.createdAt), \(job.updatedAt), \(order), \(job.proofLinkEpoch), \(job.revision))
                ON CONFLICT (id) DO NOTHING RETURNING id
                """, logger: logger).collect()
            guard !inserted.isEmpty else { throw JobStoreError.duplicate(job.id) }
            try await Self.appendEvent(connection, job: job, from: nil, at: job.createdAt, detail: detail, actor: nil, logger: logger)
            return nil
        }
    }

    public func idempotencyRecord(key: String, owner: String, notBefore: Date) async throws -> IdempotencyRecord? {
        try await withConnection { [self] connection in
            try await Self.idempotencyRecord(connection, key: key, owner: owner, notBefore: notBefore, logger: logger)
        }
    }

    private static func idempotencyRecord(_ connection: PostgresConnection, key: String, owner: String, notBefore: Date,
                                          logger: Logger) async throws -> IdempotencyRecord? {
        let rows = try await connection.query("""
            SELECT request_hash, status_code, response_body, created_at FROM idempotency_key
            WHERE owner = \(owner) AND key = \(key) AND created_at >= \(notBefore)
            """, logger: logger)
        for try await (hash, status, body, createdAt) in rows.decode((String, Int, Data, Date).self) {
            return IdempotencyRecord(key: key, owner: owner, requestHash: hash, statusCode: status, responseBody: body, createdAt: createdAt)
        }
        return nil
    }

    public func job(_ id: JobID) async throws -> Job? {
        try await withConnection { [self] connection in try await Self.fetchJob(connection, id, logger: logger) }
    }

    public func jobs(matching filter: JobFilter) async throws -> [Job] {
        var clauses: [String] = []
        var binds = PostgresBindings()
        func bind(_ value: some PostgresThrowingDynamicTypeEncodable) throws -> String {
            try binds.append(value)
            return "$\(binds.count)"
        }
        if let statuses = filter.statuses {
            let list = try statuses.map(\.rawValue).sorted().map { try bind($0) }
            clauses.append("status IN (\(list.joined(separator: ",")))")
        }
        if let hotfolder = filter.hotfolder { clauses.append("hotfolder = " + (try bind(hotfolder))) }
        if let externalId = filter.externalId { clauses.append("external_id = " + (try bind(externalId))) }
        if let after = filter.createdAfter { clauses.append("created_at > " + (try bind(after))) }
        if let before = filter.createdBefore { clauses.append("created_at < " + (try bind(before))) }
        if let node = filter.heldBy { clauses.append("id IN (SELECT job_id FROM job_hold WHERE node = " + (try bind(node)) + ")") }
        if filter.originalStillClaimed {
            clauses.append("(original_path = claimed_path OR id IN (SELECT job_id FROM job_part WHERE original_path = claimed_path))")
        }
        // Ids are ULIDs: their order is creation order, so the id alone is a stable keyset cursor.
        if let after = filter.after { clauses.append((filter.order == .oldestFirst ? "id > " : "id < ") + (try bind(after.rawValue))) }
        var sql = "SELECT * FROM job"
        if !clauses.isEmpty { sql += " WHERE " + clauses.joined(separator: " AND ") }
        sql += filter.order == .oldestFirst ? " ORDER BY id" : " ORDER BY id DESC"
        if let limit = filter.limit { sql += " LIMIT \(max(0, limit))" }
        let query = PostgresQuery(unsafeSQL: sql, binds: binds)
        return try await withConnection { [self] connection in
            var jobs: [Job] = []
            for row in try await connection.query(query, logger: logger).collect() { jobs.append(try Self.job(from: row)) }
            for index in jobs.indices where jobs[index].product.hasParts {
                jobs[index].parts = try await Self.fetchParts(connection, of: jobs[index], logger: logger)
            }
            return jobs
        }
    }

    public func jobCounts() async throws -> [JobState: Int] {
        try await withConnection { [self] connection in
            var counts: [JobState: Int] = [:]
            for try await (status, count) in try await connection.query("SELECT status, COUNT(*) FROM job GROUP BY status", logger: logger)
                .decode((String, Int).self) {
                if let state = JobState(rawValue: status) { counts[state] = count }
            }
            return counts
        }
    }

    public func events(of id: JobID) async throws -> [JobEvent] {
        try await withConnection { [self] connection in try await Self.fetchEvents(connection, id, logger: logger) }
    }

    public func jobWithEvents(_ id: JobID) async throws -> (Job, [JobEvent])? {
        // One snapshot: the job and its history as one transaction saw them.
        try await inTransaction { [self] connection in
            try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
            guard let job = try await Self.fetchJob(connection, id, logger: logger) else { return nil }
            return (job, try await Self.fetchEvents(connection, id, logger: logger))
        }
    }

    public func events(after sequence: Int64, limit: Int) async throws -> [JobEvent] {
        try await withConnection { [self] connection in
            try await connection.query("""
                SELECT * FROM job_event WHERE global_sequence > \(sequence) ORDER BY global_sequence LIMIT \(max(0, limit))
                """, logger: logger).collect().map(Self.event(from:))
        }
    }

    /// Wakes on the NOTIFY of any agent's commit; reads again after a second at the latest, should a
    /// notification be lost with a connection.
    public func waitForEvents(upTo limit: Duration, since mark: EventMark) async {
        await bell.wait(since: mark.value, upTo: min(limit, .seconds(1)))
    }

    public func eventMark() -> EventMark { EventMark(bell.mark) }

    public func lastEventSequence() async throws -> Int64 {
        try await withConnection { [self] connection in
            for try await value in try await connection.query("SELECT value FROM event_counter WHERE id = 1", logger: logger).decode(Int64.self) {
                return value
            }
            return 0
        }
    }

    @discardableResult
    public func transition(_ id: JobID, to state: JobState, detail: String?, update: JobUpdate) async throws -> Job {
        defer { changes.bump(id) }
        return try await inTransaction { [self] connection in
            guard let job = try await Self.fetchJob(connection, id, locking: true, logger: logger) else { throw JobStoreError.notFound(id) }
            if let lease = update.heldUnder, try await !Self.isHeld(id, under: lease, connection, logger: logger) {
                throw JobStoreError.notHeld(id, by: lease)
            }
            let transition = try JobTransition(job, to: state, update: update, at: Date())
            let after = transition.after
            if let ended = transition.endedRevision { try await Self.insert(ended, connection, logger: logger) }
            try await Self.write(after, connection, resettingAttempts: transition.resetsInternalFailures, logger: logger)
            try await Self.appendEvent(connection, job: after, from: job.status, at: after.updatedAt, detail: detail, actor: update.actor,
                                       startsRevision: update.startsRevision, logger: logger)
            return after
        }
    }

    public func receivePart(_ id: JobID, part: String, file: ArrivedFile, detail: String?, actor: EventActor?) async throws -> Job {
        defer { changes.bump(id) }
        return try await inTransaction { [self] connection in
            guard let job = try await Self.fetchJob(connection, id, locking: true, logger: logger) else { throw JobStoreError.notFound(id) }
            let arrival = try PartArrival(job, part: part, file: file, detail: detail, at: Date())
            let stored = arrival.file
            try await connection.query("""
                INSERT INTO job_part (job_id, part, file_name, claimed_path, original_path, sha256, size_bytes, kind, received_at)
                VALUES (\(id.rawValue), \(part), \(stored.fileName), \(stored.claimedPath), \(stored.originalPath), \(stored.sha256),
                        \(stored.sizeBytes), \(stored.kind?.rawValue), \(stored.receivedAt))
                ON CONFLICT (job_id, part) DO UPDATE SET file_name = EXCLUDED.file_name, claimed_path = EXCLUDED.claimed_path,
                    original_path = EXCLUDED.original_path, sha256 = EXCLUDED.sha256, size_bytes = EXCLUDED.size_bytes,
                    kind = EXCLUDED.kind, received_at = EXCLUDED.received_at
                """, logger: logger)
            if let ended = arrival.endedRevision { try await Self.insert(ended, connection, logger: logger) }
            var after = arrival.after
            try await Self.write(after, connection, resettingAttempts: after.status == .received, logger: logger)
            // As stored (timestamps to the microsecond), as a later read gives them.
            after.parts = try await Self.fetchParts(connection, of: after, logger: logger)
            for event in arrival.events {
                try await Self.appendEvent(connection, job: event.job, from: event.from, at: after.updatedAt, detail: event.detail,
                                           actor: actor, startsRevision: event.startsRevision, part: event.part, logger: logger)
            }
            return after
        }
    }

    public func recordPartOriginalPath(_ id: JobID, part: String, path: String) async throws {
        defer { changes.bump(id) }
        let rows = try await withConnection { [self] connection in
            let rows = try await connection.query("UPDATE job_part SET original_path = \(path) WHERE job_id = \(id.rawValue) AND part = \(part) RETURNING part",
                                                  logger: logger).collect()
            try await Self.notifyChange(of: id, connection, logger: logger)
            return rows
        }
        guard !rows.isEmpty else { throw JobStoreError.noSuchPart(id, part: part, parts: []) }
    }

    public func revisions(of id: JobID) async throws -> [JobRevision] {
        try await withConnection { [self] connection in
            let rows = try await connection.query("SELECT * FROM job_revision WHERE job_id = \(id.rawValue) ORDER BY revision", logger: logger)
            var revisions: [JobRevision] = []
            for try await row in rows {
                let cells = row.makeRandomAccess()
                revisions.append(JobRevision(
                    jobId: id, revision: try cells["revision"].decode(Int.self),
                    status: JobState(rawValue: try cells["status"].decode(String.self)) ?? .preflightFailed,
                    fileName: try cells["file_name"].decode(String.self), sha256: try cells["sha256"].decode(String?.self),
                    sizeBytes: try cells["size_bytes"].decode(Int64?.self), originalPath: try cells["original_path"].decode(String?.self),
                    failureReason: try cells["failure_reason"].decode(String?.self), endedAt: try cells["ended_at"].decode(Date.self)))
            }
            return revisions
        }
    }

    public func revokeProofLinks(_ id: JobID) async throws -> Int {
        defer { changes.bump(id) }
        let epoch = try await updatingOne(id, "UPDATE job SET proof_link_epoch = proof_link_epoch + 1 WHERE id = \(id.rawValue) RETURNING proof_link_epoch")
        try await withConnection { [self] connection in try await Self.notifyChange(of: id, connection, logger: logger) }
        return epoch
    }

    public func recordInternalFailure(_ id: JobID) async throws -> Int {
        try await updatingOne(id, "UPDATE job SET internal_failures = internal_failures + 1 WHERE id = \(id.rawValue) RETURNING internal_failures")
    }

    /// Runs an UPDATE of one job that returns one number; the job must exist.
    private func updatingOne(_ id: JobID, _ query: PostgresQuery) async throws -> Int {
        try await withConnection { [self] connection in
            for try await value in try await connection.query(query, logger: logger).decode(Int.self) { return value }
            throw JobStoreError.notFound(id)
        }
    }

    public func recordOutput(_ id: JobID, name: String, path: String) async throws {
        defer { changes.bump(id) }
        try await withConnection { [self] connection in
            try await connection.query("""
                INSERT INTO job_output (job_id, name, path) VALUES (\(id.rawValue), \(name), \(path))
                ON CONFLICT (job_id, name) DO UPDATE SET path = EXCLUDED.path
                """, logger: logger)
            try await Self.notifyChange(of: id, connection, logger: logger)
        }
    }

    public func outputs(of id: JobID) async throws -> [String: String] {
        try await withConnection { [self] connection in
            var outputs: [String: String] = [:]
            for try await (name, path) in try await connection.query("SELECT name, path FROM job_output WHERE job_id = \(id.rawValue)",
                                                                     logger: logger).decode((String, String).self) {
                outputs[name] = path
            }
            return outputs
        }
    }

    public func recordOriginalPath(_ id: JobID, path: String) async throws {
        defer { changes.bump(id) }
        let rows = try await withConnection { [self] connection in
            let rows = try await connection.query("UPDATE job SET original_path = \(path) WHERE id = \(id.rawValue) RETURNING id", logger: logger).collect()
            try await Self.notifyChange(of: id, connection, logger: logger)
            return rows
        }
        guard !rows.isEmpty else { throw JobStoreError.notFound(id) }
    }

    /// Tells every agent listening that job `id` changed (at commit, when in a transaction).
    static func notifyChange(of id: JobID, _ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("SELECT pg_notify(\(changeChannel), \(id.rawValue))", logger: logger)
    }

    // MARK: Rows

    private static func fetchJob(_ connection: PostgresConnection, _ id: JobID, locking: Bool = false, logger: Logger) async throws -> Job? {
        let query: PostgresQuery = locking ? "SELECT * FROM job WHERE id = \(id.rawValue) FOR UPDATE" : "SELECT * FROM job WHERE id = \(id.rawValue)"
        for try await row in try await connection.query(query, logger: logger) {
            var job = try job(from: row)
            if job.product.hasParts { job.parts = try await fetchParts(connection, of: job, logger: logger) }
            return job
        }
        return nil
    }

    /// Writes every field a transition or a part's arrival may change.
    private static func write(_ job: Job, _ connection: PostgresConnection, resettingAttempts: Bool, logger: Logger) async throws {
        let product = try encode(job.product)
        try await connection.query("""
            UPDATE job SET status = \(job.status.rawValue), updated_at = \(job.updatedAt), original_path = \(job.originalPath),
                failure_reason = \(job.failureReason), file_name = \(job.fileName), claimed_path = \(job.claimedPath), sha256 = \(job.sha256),
                size_bytes = \(job.sizeBytes), kind = \(job.kind?.rawValue), hotfolder = \(job.hotfolder), product = \(product),
                revision = \(job.revision), proof_link_epoch = \(job.proofLinkEpoch),
                internal_failures = CASE WHEN \(resettingAttempts) THEN 0 ELSE internal_failures END
            WHERE id = \(job.id.rawValue)
            """, logger: logger)
    }

    private static func insert(_ revision: JobRevision, _ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("""
            INSERT INTO job_revision (job_id, revision, status, file_name, sha256, size_bytes, original_path, failure_reason, ended_at)
            VALUES (\(revision.jobId.rawValue), \(revision.revision), \(revision.status.rawValue), \(revision.fileName), \(revision.sha256),
                    \(revision.sizeBytes), \(revision.originalPath), \(revision.failureReason), \(revision.endedAt))
            """, logger: logger)
    }

    /// Appends the event that moved `job` (as it is after the move) from `from` to its status, numbered in
    /// commit order (see the type's comment).
    private static func appendEvent(_ connection: PostgresConnection, job: Job, from: JobState?, at: Date, detail: String?,
                                    actor: EventActor?, startsRevision: Bool = false, part: String? = nil, logger: Logger) async throws {
        var global: Int64 = 0
        for try await value in try await connection.query("UPDATE event_counter SET value = value + 1 WHERE id = 1 RETURNING value",
                                                          logger: logger).decode(Int64.self) {
            global = value
        }
        let actorText = try actor.map(encode)
        try await connection.query("""
            INSERT INTO job_event (global_sequence, job_id, sequence, from_status, to_status, at, detail, event_id, actor, failure_reason,
                                   proof_link_epoch, revision, starts_revision, part)
            SELECT \(global), \(job.id.rawValue), COALESCE(MAX(sequence), 0) + 1, \(from?.rawValue), \(job.status.rawValue), \(at), \(detail),
                   \("evt_" + ULID.generate().description), \(actorText), \(job.failureReason), \(job.proofLinkEpoch), \(job.revision),
                   \(startsRevision), \(part)
            FROM job_event WHERE job_id = \(job.id.rawValue)
            """, logger: logger)
        // Delivered at commit, to every agent listening: their long polls read the new event at once.
        try await notifyChange(of: job.id, connection, logger: logger)
    }

    private static func fetchEvents(_ connection: PostgresConnection, _ id: JobID, logger: Logger) async throws -> [JobEvent] {
        try await connection.query("SELECT * FROM job_event WHERE job_id = \(id.rawValue) ORDER BY sequence", logger: logger)
            .collect().map(event(from:))
    }

    static func fetchParts(_ connection: PostgresConnection, of job: Job, logger: Logger) async throws -> [JobPartFile] {
        var files: [JobPartFile] = []
        for try await row in try await connection.query("SELECT * FROM job_part WHERE job_id = \(job.id.rawValue)", logger: logger) {
            let cells = row.makeRandomAccess()
            files.append(JobPartFile(
                part: try cells["part"].decode(String.self), fileName: try cells["file_name"].decode(String.self),
                claimedPath: try cells["claimed_path"].decode(String.self), originalPath: try cells["original_path"].decode(String?.self),
                sha256: try cells["sha256"].decode(String.self), sizeBytes: try cells["size_bytes"].decode(Int64.self),
                kind: try cells["kind"].decode(String?.self).flatMap(ArtworkKind.init(rawValue:)),
                receivedAt: try cells["received_at"].decode(Date.self)))
        }
        return job.product.inPartOrder(files)
    }

    private static func job(from row: PostgresRow) throws -> Job {
        let cells = row.makeRandomAccess()
        let idText = try cells["id"].decode(String.self)
        let statusText = try cells["status"].decode(String.self)
        guard let id = JobID(idText), let status = JobState(rawValue: statusText) else {
            throw PostgresStoreError.unreadableRow("job \(idText) has an unknown id or status \(statusText)")
        }
        return Job(id: id, status: status, hotfolder: try cells["hotfolder"].decode(String?.self), fileName: try cells["file_name"].decode(String.self),
                   claimedPath: try cells["claimed_path"].decode(String?.self), originalPath: try cells["original_path"].decode(String?.self),
                   sha256: try cells["sha256"].decode(String?.self), sizeBytes: try cells["size_bytes"].decode(Int64?.self),
                   kind: try cells["kind"].decode(String?.self).flatMap(ArtworkKind.init(rawValue:)),
                   externalId: try cells["external_id"].decode(String?.self),
                   product: try decodedColumns.product(try cells["product"].decode(String.self)),
                   failureReason: try cells["failure_reason"].decode(String?.self), createdAt: try cells["created_at"].decode(Date.self),
                   updatedAt: try cells["updated_at"].decode(Date.self), order: try decodedColumns.order(try cells["job_order"].decode(String.self)),
                   proofLinkEpoch: try cells["proof_link_epoch"].decode(Int.self), revision: try cells["revision"].decode(Int.self))
    }

    private static func event(from row: PostgresRow) throws -> JobEvent {
        let cells = row.makeRandomAccess()
        let idText = try cells["job_id"].decode(String.self)
        let toText = try cells["to_status"].decode(String.self)
        guard let id = JobID(idText), let to = JobState(rawValue: toText) else {
            throw PostgresStoreError.unreadableRow("event of \(idText) has an unknown status \(toText)")
        }
        let actor = try cells["actor"].decode(String?.self).map { try JSONDecoder().decode(EventActor.self, from: Data($0.utf8)) }
        let epoch = try cells["proof_link_epoch"].decode(Int?.self)
        let revision = try cells["revision"].decode(Int?.self)
        let failureReason = try cells["failure_reason"].decode(String?.self)
        return JobEvent(id: try cells["event_id"].decode(String.self), globalSequence: try cells["global_sequence"].decode(Int64.self), jobId: id,
                        sequence: try cells["sequence"].decode(Int.self),
                        from: try cells["from_status"].decode(String?.self).flatMap(JobState.init(rawValue:)), to: to,
                        at: try cells["at"].decode(Date.self), detail: try cells["detail"].decode(String?.self), actor: actor,
                        startsRevision: try cells["starts_revision"].decode(Bool.self), part: try cells["part"].decode(String?.self),
                        jobAtEvent: epoch.map { JobAtEvent(failureReason: failureReason, proofLinkEpoch: $0, revision: revision) })
    }

    static func encode(_ value: some Encodable) throws -> String { try StoredJSON.encode(value) }
}

/// What the PostgreSQL store cannot make sense of, for the log.
enum PostgresStoreError: Error, Equatable, CustomStringConvertible {
    case unreadableRow(String)
    case connectionLost

    var description: String {
        switch self {
        case .unreadableRow(let what): "the job store holds a row it cannot read: \(what)"
        case .connectionLost: "the database server closed the connection during the operation"
        }
    }
}
