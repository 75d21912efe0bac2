import Foundation
import GRDB
import Pipeline

/// The embedded job store: one SQLite file in WAL mode, `synchronous=FULL` so that a committed transition
/// survives a power cut, not just a crash of the agent.
///
/// Reads run concurrently with the agent's writes, so `hotfolder-agent jobs ...` works while the agent runs.
public final class SQLiteJobStore: JobStore {
    private let writer: any DatabaseWriter

    /// Opens (creating if needed) the store at `path` and migrates it to the current schema.
    public convenience init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        try self.init(writer: DatabasePool(path: path, configuration: configuration))
    }

    /// A store on any GRDB writer; tests pass an in-memory `DatabaseQueue`.
    public init(writer: any DatabaseWriter) throws {
        self.writer = writer
        try Self.migrator.migrate(writer)
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
        return migrator
    }

    public func create(_ job: Job, detail: String?) async throws {
        let product = try Self.encode(job.product)
        try await writer.write { db in
            if try Self.fetchJob(db, job.id) != nil { throw JobStoreError.duplicate(job.id) }
            try db.execute(sql: """
                INSERT INTO job (id, status, hotfolder, fileName, claimedPath, originalPath, sha256, sizeBytes, kind,
                                 externalId, product, failureReason, createdAt, updatedAt)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [job.id.rawValue, job.status.rawValue, job.hotfolder, job.fileName, job.claimedPath,
                                 job.originalPath, job.sha256, job.sizeBytes, job.kind?.rawValue, job.externalId,
                                 product, job.failureReason, job.createdAt, job.updatedAt])
            try Self.appendEvent(db, job: job.id, from: nil, to: job.status, at: job.createdAt, detail: detail)
        }
    }

    public func job(_ id: JobID) async throws -> Job? {
        try await writer.read { db in try Self.fetchJob(db, id) }
    }

    public func jobs(matching filter: JobFilter) async throws -> [Job] {
        try await writer.read { db in
            var clauses: [String] = []
            var arguments: StatementArguments = []
            if let statuses = filter.statuses {
                clauses.append("status IN (\(statuses.map { _ in "?" }.joined(separator: ",")))")
                for status in statuses.sorted(by: { $0.rawValue < $1.rawValue }) { _ = arguments.append(contentsOf: [status.rawValue]) }
            }
            if let hotfolder = filter.hotfolder {
                clauses.append("hotfolder = ?")
                _ = arguments.append(contentsOf: [hotfolder])
            }
            if let externalId = filter.externalId {
                clauses.append("externalId = ?")
                _ = arguments.append(contentsOf: [externalId])
            }
            var sql = "SELECT * FROM job"
            if !clauses.isEmpty { sql += " WHERE " + clauses.joined(separator: " AND ") }
            sql += " ORDER BY id"
            if let limit = filter.limit { sql += " LIMIT \(max(0, limit))" }
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.job(from:))
        }
    }

    public func events(of id: JobID) async throws -> [JobEvent] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM job_event WHERE jobId = ? ORDER BY sequence", arguments: [id.rawValue])
                .map(Self.event(from:))
        }
    }

    @discardableResult
    public func transition(_ id: JobID, to state: JobState, detail: String?, update: JobUpdate) async throws -> Job {
        try await writer.write { db in
            guard var job = try Self.fetchJob(db, id) else { throw JobStoreError.notFound(id) }
            guard job.status.canMove(to: state) else {
                throw JobStoreError.illegalTransition(id, from: job.status, to: state)
            }
            let now = Date()
            let previous = job.status
            job.status = state
            job.updatedAt = now
            if let path = update.originalPath { job.originalPath = path }
            if update.clearsFailureReason { job.failureReason = nil }
            if let reason = update.failureReason { job.failureReason = reason }
            try db.execute(sql: "UPDATE job SET status = ?, updatedAt = ?, originalPath = ?, failureReason = ? WHERE id = ?",
                           arguments: [state.rawValue, now, job.originalPath, job.failureReason, id.rawValue])
            try Self.appendEvent(db, job: id, from: previous, to: state, at: now, detail: detail)
            return job
        }
    }

    public func recordOutput(_ id: JobID, name: String, path: String) async throws {
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
        try await writer.write { db in
            try db.execute(sql: "UPDATE job SET originalPath = ? WHERE id = ?", arguments: [path, id.rawValue])
            guard db.changesCount == 1 else { throw JobStoreError.notFound(id) }
        }
    }

    // MARK: Rows

    private static func appendEvent(_ db: Database, job: JobID, from: JobState?, to: JobState, at: Date, detail: String?) throws {
        let sequence = try Int.fetchOne(db, sql: "SELECT COALESCE(MAX(sequence), 0) + 1 FROM job_event WHERE jobId = ?",
                                        arguments: [job.rawValue]) ?? 1
        try db.execute(sql: "INSERT INTO job_event (jobId, sequence, fromStatus, toStatus, at, detail) VALUES (?, ?, ?, ?, ?, ?)",
                       arguments: [job.rawValue, sequence, from?.rawValue, to.rawValue, at, detail])
    }

    private static func fetchJob(_ db: Database, _ id: JobID) throws -> Job? {
        try Row.fetchOne(db, sql: "SELECT * FROM job WHERE id = ?", arguments: [id.rawValue]).map(job(from:))
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
                   externalId: row["externalId"], product: try decode(productText),
                   failureReason: row["failureReason"], createdAt: row["createdAt"], updatedAt: row["updatedAt"])
    }

    private static func event(from row: Row) throws -> JobEvent {
        let idText: String = row["jobId"]
        let toText: String = row["toStatus"]
        guard let id = JobID(idText), let to = JobState(rawValue: toText) else {
            throw DatabaseError(message: "event row of \(idText) has an unknown status \(toText)")
        }
        return JobEvent(globalSequence: row["globalSequence"], jobId: id, sequence: row["sequence"],
                        from: (row["fromStatus"] as String?).flatMap(JobState.init(rawValue:)), to: to,
                        at: row["at"], detail: row["detail"])
    }

    private static func encode(_ product: ProductSpec) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(product), as: UTF8.self)
    }

    private static func decode(_ text: String) throws -> ProductSpec {
        try JSONDecoder().decode(ProductSpec.self, from: Data(text.utf8))
    }
}
