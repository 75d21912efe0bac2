import Foundation
import GRDB
import Pipeline

/// The embedded job store: one SQLite file in WAL mode, `synchronous=FULL` so that a committed transition
/// survives a power cut, not just a crash of the agent.
///
/// Reads run concurrently with the agent's writes, so `hotfolder-agent jobs ...` works while the agent runs.
public final class SQLiteJobStore: JobStore {
    let writer: any DatabaseWriter
    /// The connections of `readNow`; nil for a store on a single queue (tests).
    private let pointReaders: PointReaders?
    let tokenCache = TokenLookupCache()
    private let changes = JobChangeCounter()

    public func localChangeCount(of id: JobID) -> UInt64 { changes.count(of: id) }

    /// Counts a change to job `id` committed by this process (see `localChangeCount(of:)`).
    func localChanges(_ id: JobID) { changes.bump(id) }

    /// Opens (creating if needed) the store at `path` and migrates it to the current schema.
    public convenience init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // 512 KiB of pages per connection instead of SQLite's 2 MiB: the writer and every reader keep their
            // own, so the default grew the agent by 12 MiB as the store grew; lookups by index need little,
            // and the kernel's page cache holds the rest of the file.
            try db.execute(sql: "PRAGMA cache_size = -512")
        }
        // Three readers keep two cores busy; each one more is another cache and statement set.
        configuration.maximumReaderCount = 3
        let pool = try DatabasePool(path: path, configuration: configuration)
        try Self.migrator.migrate(pool)
        try Self.enableIncrementalVacuum(pool)
        let pointReaders = try PointReaders(path: path, configuration: configuration,
                                            count: min(4, ProcessInfo.processInfo.activeProcessorCount))
        try self.init(migratedWriter: pool, pointReaders: pointReaders)
    }

    /// A store on any GRDB writer; tests pass an in-memory `DatabaseQueue`.
    public convenience init(writer: any DatabaseWriter) throws {
        try Self.migrator.migrate(writer)
        try self.init(migratedWriter: writer, pointReaders: nil)
    }

    private init(migratedWriter: any DatabaseWriter, pointReaders: PointReaders?) throws {
        self.writer = migratedWriter
        self.pointReaders = pointReaders
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: "job") { t in
                t.primaryKey("id", .text)
                t.column("status", .text).notNull().indexed()
                t.column("hotfolder", .text).indexed()
                t.column("fileName", .text).notNull()
                t.column("claimedPath", .text)
                t.column("originalPath", .text)
                t.column("sha256", .text)
                t.column("sizeBytes", .integer)
                t.column("kind", .text)
                t.column("externalId", .text).indexed()
                t.column("product", .text).notNull()
                t.column("failureReason", .text)
                t.column("createdAt", .datetime).notNull()
                t.column("updatedAt", .datetime).notNull()
            }
            try db.create(table: "job_event") { t in
                t.autoIncrementedPrimaryKey("globalSequence")
                t.column("jobId", .text).notNull().references("job", onDelete: .cascade)
                t.column("sequence", .integer).notNull()
                t.column("fromStatus", .text)
                t.column("toStatus", .text).notNull()
                t.column("at", .datetime).notNull()
                t.column("detail", .text)
                t.uniqueKey(["jobId", "sequence"])
            }
            try db.create(table: "job_output") { t in
                t.column("jobId", .text).notNull().references("job", onDelete: .cascade)
                t.column("name", .text).notNull()
                t.column("path", .text).notNull()
                t.primaryKey(["jobId", "name"])
            }
        }
        migrator.registerMigration("v2: API jobs, tokens, idempotency") { db in
            try db.alter(table: "job") { t in
                t.add(column: "jobOrder", .text).notNull().defaults(to: "{}")
            }
            try db.create(index: "job_createdAt", on: "job", columns: ["createdAt"])
            try db.create(table: "access_token") { t in
                t.primaryKey("name", .text)
                t.column("sha256", .text).notNull().unique()
                t.column("scopes", .text).notNull()
                t.column("createdAt", .datetime).notNull()
                t.column("lastUsedAt", .datetime)
            }
            try db.create(table: "idempotency_key") { t in
                t.column("owner", .text).notNull()
                t.column("key", .text).notNull()
                t.column("requestHash", .text).notNull()
                t.column("statusCode", .integer).notNull()
                t.column("responseBody", .blob).notNull()
                t.column("createdAt", .datetime).notNull()
                t.primaryKey(["owner", "key"])
            }
        }
        registerDeliveryMigration(&migrator)
        migrator.registerMigration("v4: stage attempts") { db in
            try db.alter(table: "job") { t in
                t.add(column: "internalFailures", .integer).notNull().defaults(to: 0)
            }
        }
        migrator.registerMigration("v5: event ids, actors, proof-link epochs, list indexes") { db in
            try db.alter(table: "job") { t in
                t.add(column: "proofLinkEpoch", .integer).notNull().defaults(to: 0)
            }
            try db.alter(table: "job_event") { t in
                t.add(column: "eventId", .text)
                t.add(column: "actor", .text)
            }
            // Events written before have no id of their own: a random one each (ids are opaque to receivers).
            try db.execute(sql: "UPDATE job_event SET eventId = 'evt_' || upper(hex(randomblob(13))) WHERE eventId IS NULL")
            try db.create(index: "job_event_eventId", on: "job_event", columns: ["eventId"], unique: true)
            try db.alter(table: "delivery") { t in
                t.add(column: "scheduleStart", .integer).notNull().defaults(to: 0)
            }
            try db.alter(table: "webhook") { t in
                t.add(column: "previousSecret", .text)
                t.add(column: "previousSecretUntil", .datetime)
            }
            // One index per list query, ending in the id that orders and pages it; v1's single-column ones go.
            try dropSingleColumnJobIndexes(db)
            try db.create(index: "job_status_id", on: "job", columns: ["status", "id"])
            try db.create(index: "job_hotfolder_id", on: "job", columns: ["hotfolder", "id"])
            try db.create(index: "job_externalId_id", on: "job", columns: ["externalId", "id"])
            try db.create(index: "job_status_updatedAt", on: "job", columns: ["status", "updatedAt"])
            try db.create(index: "delivery_subscription", on: "delivery", columns: ["subscription", "id"])
            try db.create(index: "delivery_job", on: "delivery", columns: ["jobId", "eventSequence"])
            try db.create(index: "delivery_finished", on: "delivery", columns: ["finishedAt"])
            try db.create(index: "idempotency_createdAt", on: "idempotency_key", columns: ["createdAt"])
        }
        registerRetentionMigration(&migrator)
        migrator.registerMigration("v7: the job as each event left it") { db in
            // Nullable: events written before say nothing, and their bodies fall back to the job as it is.
            try db.alter(table: "job_event") { t in
                t.add(column: "failureReason", .text)
                t.add(column: "proofLinkEpoch", .integer)
            }
        }
        migrator.registerMigration("v8: revisions") { db in
            try db.alter(table: "job") { t in
                t.add(column: "revision", .integer).notNull().defaults(to: 1)
            }
            // Nullable: events written before were all of revision 1.
            try db.alter(table: "job_event") { t in
                t.add(column: "revision", .integer)
                t.add(column: "startsRevision", .boolean).notNull().defaults(to: false)
            }
            try db.create(table: "job_revision") { t in
                t.column("jobId", .text).notNull().references("job", onDelete: .cascade)
                t.column("revision", .integer).notNull()
                t.column("status", .text).notNull()
                t.column("fileName", .text).notNull()
                t.column("sha256", .text)
                t.column("sizeBytes", .integer)
                t.column("originalPath", .text)
                t.column("failureReason", .text)
                t.column("endedAt", .datetime).notNull()
                t.primaryKey(["jobId", "revision"])
            }
        }
        migrator.registerMigration("v9: parts") { db in
            try db.create(table: "job_part") { t in
                t.column("jobId", .text).notNull().references("job", onDelete: .cascade)
                t.column("part", .text).notNull()
                t.column("fileName", .text).notNull()
                t.column("claimedPath", .text).notNull()
                t.column("originalPath", .text)
                t.column("sha256", .text).notNull()
                t.column("sizeBytes", .integer).notNull()
                t.column("kind", .text)
                t.column("receivedAt", .datetime).notNull()
                t.primaryKey(["jobId", "part"])
            }
            try db.alter(table: "job_event") { t in
                t.add(column: "part", .text)
            }
        }
        return migrator
    }

    /// The indexes v1 made with `.indexed()` (GRDB names them `<table>_on_<column>`), which the (column, id)
    /// indexes of v5 make redundant.
    static func dropSingleColumnJobIndexes(_ db: Database) throws {
        for index in ["job_on_status", "job_on_hotfolder", "job_on_externalId"] {
            try db.execute(sql: "DROP INDEX IF EXISTS \(index)")
        }
    }

    @discardableResult
    public func create(_ job: Job, detail: String?, idempotency: IdempotencyRecord?) async throws -> IdempotencyRecord? {
        let product = try Self.encode(job.product)
        let order = try Self.encode(job.order)
        defer { changes.bump(job.id) }
        return try await writer.write { db in
            if let idempotency {
                // Replaced when stale, so a key can be reused after 24 h.
                if let stored = try Self.fetchIdempotency(db, key: idempotency.key, owner: idempotency.owner,
                                                          notBefore: idempotency.createdAt.addingTimeInterval(-IdempotencyRecord.lifetime)) {
                    return stored
                }
                try db.execute(sql: """
                    INSERT OR REPLACE INTO idempotency_key (owner, key, requestHash, statusCode, responseBody, createdAt)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """, arguments: [idempotency.owner, idempotency.key, idempotency.requestHash, idempotency.statusCode,
                                     idempotency.responseBody, idempotency.createdAt])
            }
            if try Self.fetchJob(db, job.id) != nil { throw JobStoreError.duplicate(job.id) }
            try db.execute(sql: """
                INSERT INTO job (id, status, hotfolder, fileName, claimedPath, originalPath, sha256, sizeBytes, kind,
                                 externalId, product, failureReason, createdAt, updatedAt, jobOrder)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [job.id.rawValue, job.status.rawValue, job.hotfolder, job.fileName, job.claimedPath,
                                 job.originalPath, job.sha256, job.sizeBytes, job.kind?.rawValue, job.externalId,
                                 product, job.failureReason, job.createdAt, job.updatedAt, order])
            try Self.appendEvent(db, job: job, from: nil, at: job.createdAt, detail: detail, actor: nil)
            return nil
        }
    }

    public func idempotencyRecord(key: String, owner: String, notBefore: Date) async throws -> IdempotencyRecord? {
        try await writer.read { db in try Self.fetchIdempotency(db, key: key, owner: owner, notBefore: notBefore) }
    }

    private static func fetchIdempotency(_ db: Database, key: String, owner: String, notBefore: Date) throws -> IdempotencyRecord? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM idempotency_key WHERE owner = ? AND key = ? AND createdAt >= ?",
                                         arguments: [owner, key, notBefore]) else { return nil }
        return IdempotencyRecord(key: row["key"], owner: row["owner"], requestHash: row["requestHash"],
                                 statusCode: row["statusCode"], responseBody: row["responseBody"], createdAt: row["createdAt"])
    }

    public func job(_ id: JobID) async throws -> Job? {
        try readNow { db in try Self.fetchJob(db, id) }
    }

    public func jobs(matching filter: JobFilter) async throws -> [Job] {
        try await writer.read { db in
            var clauses: [String] = []
            var arguments: StatementArguments = []
            if let statuses = filter.statuses {
                clauses.append("status IN (\(statuses.map { _ in "?" }.joined(separator: ",")))")
                for status in statuses.sorted(by: { $0.rawValue < $1.rawValue }) { _ = arguments.append(contentsOf: [status.rawValue]) }
            }
            // Each filter that is set adds one clause with one argument.
            let conditions: [(String, (any DatabaseValueConvertible)?)] = [
                ("hotfolder = ?", filter.hotfolder), ("externalId = ?", filter.externalId),
                ("createdAt > ?", filter.createdAfter), ("createdAt < ?", filter.createdBefore),
            ]
            for case let (clause, value?) in conditions {
                clauses.append(clause)
                _ = arguments.append(contentsOf: [value])
            }
            if filter.originalStillClaimed {
                clauses.append("(originalPath = claimedPath OR id IN (SELECT jobId FROM job_part WHERE originalPath = claimedPath))")
            }
            // Ids are ULIDs: their order is creation order, so the id alone is a stable keyset cursor.
            if let after = filter.after {
                clauses.append(filter.order == .oldestFirst ? "id > ?" : "id < ?")
                _ = arguments.append(contentsOf: [after.rawValue])
            }
            var sql = "SELECT * FROM job"
            if !clauses.isEmpty { sql += " WHERE " + clauses.joined(separator: " AND ") }
            sql += filter.order == .oldestFirst ? " ORDER BY id" : " ORDER BY id DESC"
            if let limit = filter.limit { sql += " LIMIT \(max(0, limit))" }
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { try Self.job(from: $0, db) }
        }
    }

    public func events(of id: JobID) async throws -> [JobEvent] {
        try readNow { db in try Self.fetchEvents(db, id) }
    }

    public func jobWithEvents(_ id: JobID) async throws -> (Job, [JobEvent])? {
        try readNow { db in
            guard let job = try Self.fetchJob(db, id) else { return nil }
            return (job, try Self.fetchEvents(db, id))
        }
    }

    private static func fetchEvents(_ db: Database, _ id: JobID) throws -> [JobEvent] {
        try Row.fetchAll(try db.cachedStatement(sql: "SELECT * FROM job_event WHERE jobId = ? ORDER BY sequence"), arguments: [id.rawValue])
            .map(Self.event(from:))
    }

    public func jobCounts() async throws -> [JobState: Int] {
        try await writer.read { db in try Self.countsByStatus(db, table: "job") }
    }

    /// Rows of `table` by the value of its `status` column.
    static func countsByStatus<Status: RawRepresentable & Hashable>(_ db: Database, table: String) throws -> [Status: Int]
    where Status.RawValue == String {
        var counts: [Status: Int] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT status, COUNT(*) AS n FROM \(table) GROUP BY status") {
            if let status = Status(rawValue: row["status"]) { counts[status] = row["n"] }
        }
        return counts
    }

    public func events(after sequence: Int64, limit: Int) async throws -> [JobEvent] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM job_event WHERE globalSequence > ? ORDER BY globalSequence LIMIT ?",
                             arguments: [sequence, max(0, limit)]).map(Self.event(from:))
        }
    }

    /// Other processes (the CLI) write events too, and SQLite tells nobody: the long poll polls.
    public func waitForEvents(upTo limit: Duration, since mark: EventMark) async { await pollingForEvents(upTo: limit) }

    public func eventMark() -> EventMark { EventMark(0) }

    public func lastEventSequence() async throws -> Int64 {
        try await writer.read { db in try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(globalSequence), 0) FROM job_event") ?? 0 }
    }

    @discardableResult
    public func transition(_ id: JobID, to state: JobState, detail: String?, update: JobUpdate) async throws -> Job {
        defer { changes.bump(id) }
        return try await writer.write { db in
            guard let job = try Self.fetchJob(db, id) else { throw JobStoreError.notFound(id) }
            let transition = try JobTransition(job, to: state, update: update, at: Date())
            let after = transition.after
            if let ended = transition.endedRevision { try Self.insert(ended, db) }
            try db.execute(sql: """
                UPDATE job SET status = ?, updatedAt = ?, originalPath = ?, failureReason = ?, fileName = ?, claimedPath = ?,
                               sha256 = ?, sizeBytes = ?, kind = ?, hotfolder = ?, product = ?, revision = ?, proofLinkEpoch = ?
                WHERE id = ?
                """, arguments: [state.rawValue, after.updatedAt, after.originalPath, after.failureReason, after.fileName, after.claimedPath,
                                 after.sha256, after.sizeBytes, after.kind?.rawValue, after.hotfolder, try Self.encode(after.product),
                                 after.revision, after.proofLinkEpoch, id.rawValue])
            if transition.resetsInternalFailures {
                try db.execute(sql: "UPDATE job SET internalFailures = 0 WHERE id = ?", arguments: [id.rawValue])
            }
            try Self.appendEvent(db, job: after, from: job.status, at: after.updatedAt, detail: detail, actor: update.actor,
                                 startsRevision: update.startsRevision)
            return after
        }
    }

    /// Keeps a revision as it ended (a `job_revision` row).
    static func insert(_ revision: JobRevision, _ db: Database) throws {
        try db.execute(sql: """
            INSERT INTO job_revision (jobId, revision, status, fileName, sha256, sizeBytes, originalPath, failureReason, endedAt)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [revision.jobId.rawValue, revision.revision, revision.status.rawValue, revision.fileName, revision.sha256,
                             revision.sizeBytes, revision.originalPath, revision.failureReason, revision.endedAt])
    }

    public func revisions(of id: JobID) async throws -> [JobRevision] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM job_revision WHERE jobId = ? ORDER BY revision", arguments: [id.rawValue]).map { row in
                JobRevision(jobId: id, revision: row["revision"], status: JobState(rawValue: row["status"]) ?? .preflightFailed,
                            fileName: row["fileName"], sha256: row["sha256"], sizeBytes: row["sizeBytes"], originalPath: row["originalPath"],
                            failureReason: row["failureReason"], endedAt: row["endedAt"])
            }
        }
    }

    public func revokeProofLinks(_ id: JobID) async throws -> Int {
        defer { changes.bump(id) }
        return try await writer.write { db in
            try db.execute(sql: "UPDATE job SET proofLinkEpoch = proofLinkEpoch + 1 WHERE id = ?", arguments: [id.rawValue])
            guard db.changesCount == 1 else { throw JobStoreError.notFound(id) }
            return try Int.fetchOne(db, sql: "SELECT proofLinkEpoch FROM job WHERE id = ?", arguments: [id.rawValue]) ?? 0
        }
    }

    public func recordInternalFailure(_ id: JobID) async throws -> Int {
        try await writer.write { db in
            try db.execute(sql: "UPDATE job SET internalFailures = internalFailures + 1 WHERE id = ?", arguments: [id.rawValue])
            guard db.changesCount == 1 else { throw JobStoreError.notFound(id) }
            return try Int.fetchOne(db, sql: "SELECT internalFailures FROM job WHERE id = ?", arguments: [id.rawValue]) ?? 1
        }
    }

    public func recordOutput(_ id: JobID, name: String, path: String) async throws {
        defer { changes.bump(id) }
        try await writer.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO job_output (jobId, name, path) VALUES (?, ?, ?)",
                           arguments: [id.rawValue, name, path])
        }
    }

    public func outputs(of id: JobID) async throws -> [String: String] {
        try await writer.read { db in
            var outputs: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT name, path FROM job_output WHERE jobId = ?", arguments: [id.rawValue]) {
                outputs[row["name"]] = row["path"]
            }
            return outputs
        }
    }

    public func recordOriginalPath(_ id: JobID, path: String) async throws {
        defer { changes.bump(id) }
        try await writer.write { db in
            try db.execute(sql: "UPDATE job SET originalPath = ? WHERE id = ?", arguments: [path, id.rawValue])
            guard db.changesCount == 1 else { throw JobStoreError.notFound(id) }
        }
    }

    /// A point read on the calling thread, outside a transaction. GRDB's async read hops to a reader queue and
    /// back and wraps the read in BEGIN/COMMIT, which for a read by primary key costs more than the read
    /// itself; the bridge makes one per request. WAL readers never wait for the writer, and `PointReaders` are
    /// held by no suspended task, so the cooperative thread waits at most for another point read. Without
    /// the transaction, two statements may see two commits; callers use it only where that is harmless (a job
    /// and its history, read for display).
    func readNow<T>(_ body: (Database) throws -> T) throws -> T {
        if let pointReaders { return try pointReaders.read(body) }
        return try writer.read(body)
    }

    // MARK: Rows

    /// Product and order columns repeat across thousands of jobs (one spelling per hot folder and order
    /// type); decoding each distinct text once keeps JSON parsing out of every row read.
    private static let decodedColumns = DecodedJSONColumns()

    /// Appends the event that moved `job` (as it is after the move) from `from` to its status.
    static func appendEvent(_ db: Database, job: Job, from: JobState?, at: Date, detail: String?,
                            actor: EventActor?, startsRevision: Bool = false, part: String? = nil) throws {
        let sequence = try Int.fetchOne(db, sql: "SELECT COALESCE(MAX(sequence), 0) + 1 FROM job_event WHERE jobId = ?",
                                        arguments: [job.id.rawValue]) ?? 1
        try db.execute(sql: """
            INSERT INTO job_event (jobId, sequence, fromStatus, toStatus, at, detail, eventId, actor, failureReason, proofLinkEpoch,
                                   revision, startsRevision, part)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [job.id.rawValue, sequence, from?.rawValue, job.status.rawValue, at, detail,
                             "evt_" + ULID.generate().description, try actor.map(Self.encode), job.failureReason, job.proofLinkEpoch,
                             job.revision, startsRevision, part])
    }

    static func fetchJob(_ db: Database, _ id: JobID) throws -> Job? {
        try Row.fetchOne(try db.cachedStatement(sql: "SELECT * FROM job WHERE id = ?"), arguments: [id.rawValue]).map { try job(from: $0, db) }
    }

    /// The job of `row`, with its parts' files when its product has parts (one more query for those only).
    private static func job(from row: Row, _ db: Database) throws -> Job {
        var job = try job(from: row)
        if job.product.hasParts { job.parts = try fetchParts(db, of: job) }
        return job
    }

    private static func job(from row: Row) throws -> Job {
        let idText: String = row["id"]
        let statusText: String = row["status"]
        guard let id = JobID(idText), let status = JobState(rawValue: statusText) else {
            throw DatabaseError(message: "job row \(idText) has an unknown id or status \(statusText)")
        }
        let productText: String = row["product"]
        return Job(id: id, status: status, hotfolder: row["hotfolder"], fileName: row["fileName"],
                   claimedPath: row["claimedPath"], originalPath: row["originalPath"], sha256: row["sha256"],
                   sizeBytes: row["sizeBytes"], kind: (row["kind"] as String?).flatMap(ArtworkKind.init(rawValue:)),
                   externalId: row["externalId"], product: try decodedColumns.product(productText),
                   failureReason: row["failureReason"], createdAt: row["createdAt"], updatedAt: row["updatedAt"],
                   order: try decodedColumns.order(row["jobOrder"] as String? ?? "{}"), proofLinkEpoch: row["proofLinkEpoch"] ?? 0,
                   revision: row["revision"] ?? 1)
    }

    private static func event(from row: Row) throws -> JobEvent {
        let idText: String = row["jobId"]
        let toText: String = row["toStatus"]
        guard let id = JobID(idText), let to = JobState(rawValue: toText) else {
            throw DatabaseError(message: "event row of \(idText) has an unknown status \(toText)")
        }
        let actor = try (row["actor"] as String?).map { try JSONDecoder().decode(EventActor.self, from: Data($0.utf8)) }
        let epoch: Int? = row["proofLinkEpoch"]
        return JobEvent(id: row["eventId"] ?? "evt_\(row["globalSequence"] as Int64)", globalSequence: row["globalSequence"], jobId: id,
                        sequence: row["sequence"], from: (row["fromStatus"] as String?).flatMap(JobState.init(rawValue:)), to: to,
                        at: row["at"], detail: row["detail"], actor: actor, startsRevision: row["startsRevision"] ?? false, part: row["part"],
                        jobAtEvent: epoch.map { JobAtEvent(failureReason: row["failureReason"], proofLinkEpoch: $0, revision: row["revision"]) })
    }

    static func encode(_ value: some Encodable) throws -> String { try StoredJSON.encode(value) }

}
