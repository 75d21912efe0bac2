import Foundation
import GRDB

extension SQLiteJobStore: DeliveryStore {
    static func registerDeliveryMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v3: deliveries") { db in
            try db.create(table: "delivery_cursor") { t in
                t.primaryKey("name", .text)
                t.column("sequence", .integer).notNull()
            }
            try db.create(table: "delivery") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("endpoint", .text).notNull()
                // '' for a job's own callback URL, else the webhook subscription's id.
                t.column("subscription", .text).notNull().defaults(to: "")
                t.column("eventSequence", .integer).notNull()
                t.column("eventId", .text).notNull()
                t.column("jobId", .text).notNull()
                t.column("body", .blob).notNull()
                t.column("status", .text).notNull()
                t.column("attempts", .integer).notNull().defaults(to: 0)
                t.column("nextAttemptAt", .datetime).notNull()
                t.column("lastStatus", .integer)
                t.column("lastError", .text)
                t.column("createdAt", .datetime).notNull()
                t.column("finishedAt", .datetime)
                t.uniqueKey(["endpoint", "subscription", "eventSequence"])
            }
            try db.create(index: "delivery_due", on: "delivery", columns: ["status", "nextAttemptAt"])
            try db.create(index: "delivery_order", on: "delivery", columns: ["endpoint", "jobId", "status", "eventSequence"])
            try db.create(table: "webhook") { t in
                t.primaryKey("id", .text)
                t.column("url", .text).notNull()
                t.column("events", .text).notNull()
                t.column("description", .text)
                t.column("secret", .text).notNull()
                t.column("createdAt", .datetime).notNull()
                t.column("disabledAt", .datetime)
                t.column("disabledReason", .text)
            }
            try db.create(table: "delivery_attempt") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("deliveryId", .integer).notNull().references("delivery", onDelete: .cascade).indexed()
                t.column("number", .integer).notNull()
                t.column("at", .datetime).notNull()
                t.column("httpStatus", .integer)
                t.column("durationMs", .integer).notNull()
                t.column("error", .text)
            }
        }
    }

    public func plannedThrough() async throws -> Int64 {
        try await writer.read { db in
            try Int64.fetchOne(db, sql: "SELECT sequence FROM delivery_cursor WHERE name = 'events'") ?? 0
        }
    }

    public func plan(_ deliveries: [PlannedDelivery], through sequence: Int64) async throws {
        let now = Date()
        try await writer.write { db in
            for delivery in deliveries {
                try db.execute(sql: """
                    INSERT OR IGNORE INTO delivery (endpoint, subscription, eventSequence, eventId, jobId, body, status, nextAttemptAt, createdAt)
                    VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?)
                    """, arguments: [delivery.endpoint, delivery.subscription ?? "", delivery.eventSequence, delivery.eventId,
                                     delivery.jobId.rawValue, delivery.body, now, now])
            }
            try db.execute(sql: "INSERT OR REPLACE INTO delivery_cursor (name, sequence) VALUES ('events', ?)", arguments: [sequence])
        }
    }

    public func dueEndpoints(at now: Date, limit: Int) async throws -> [String] {
        try await writer.read { db in
            try String.fetchAll(db, sql: """
                SELECT endpoint FROM delivery WHERE status = 'pending' AND nextAttemptAt <= ?
                GROUP BY endpoint ORDER BY MIN(eventSequence) LIMIT ?
                """, arguments: [now, limit])
        }
    }

    public func takeDueDelivery(at now: Date, endpoint: String, holder: String, lease: Duration) async throws -> Delivery? {
        try await writer.read { db in
            try Row.fetchOne(db, sql: """
                SELECT * FROM delivery AS d
                WHERE d.status = 'pending' AND d.nextAttemptAt <= ? AND d.endpoint = ?
                  AND NOT EXISTS (SELECT 1 FROM delivery AS e WHERE e.endpoint = d.endpoint AND e.subscription = d.subscription
                                  AND e.jobId = d.jobId
                                  AND e.status = 'pending' AND e.eventSequence < d.eventSequence)
                ORDER BY d.eventSequence LIMIT 1
                """, arguments: [now, endpoint]).map(Self.delivery(from:))
        }
    }

    public func nextDueTime() async throws -> Date? {
        try await writer.read { db in
            try Date.fetchOne(db, sql: "SELECT MIN(nextAttemptAt) FROM delivery WHERE status = 'pending'")
        }
    }

    public func record(_ attempt: DeliveryAttempt, outcome: DeliveryOutcome, error: String?) async throws {
        try await writer.write { db in
            try db.execute(sql: "INSERT INTO delivery_attempt (deliveryId, number, at, httpStatus, durationMs, error) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [attempt.deliveryId, attempt.number, attempt.at, attempt.httpStatus, attempt.durationMs, attempt.error])
            let (status, next, finished): (Delivery.Status, Date?, Date?) = switch outcome {
            case .delivered: (.delivered, nil, attempt.at)
            case .retry(let at): (.pending, at, nil)
            case .dead: (.dead, nil, attempt.at)
            case .refused: (.refused, nil, attempt.at)
            }
            try db.execute(sql: """
                UPDATE delivery SET status = ?, attempts = ?, nextAttemptAt = COALESCE(?, nextAttemptAt), lastStatus = ?,
                                    lastError = ?, finishedAt = ? WHERE id = ? AND status = 'pending' AND attempts = ?
                """, arguments: [status.rawValue, attempt.number, next, attempt.httpStatus, error, finished, attempt.deliveryId,
                                 attempt.number - 1])
        }
    }

    public func delivery(_ id: Int64) async throws -> Delivery? {
        try await writer.read { db in try Row.fetchOne(db, sql: "SELECT * FROM delivery WHERE id = ?", arguments: [id]).map(Self.delivery(from:)) }
    }

    public func attempts(of id: Int64) async throws -> [DeliveryAttempt] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM delivery_attempt WHERE deliveryId = ? ORDER BY number", arguments: [id]).map { row in
                DeliveryAttempt(deliveryId: row["deliveryId"], number: row["number"], at: row["at"], httpStatus: row["httpStatus"],
                                durationMs: row["durationMs"], error: row["error"])
            }
        }
    }

    public func deliveries(of job: JobID) async throws -> [Delivery] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM delivery WHERE jobId = ? ORDER BY eventSequence, id", arguments: [job.rawValue])
                .map(Self.delivery(from:))
        }
    }

    public func deliveries(status: Delivery.Status?, limit: Int) async throws -> [Delivery] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM delivery WHERE (? IS NULL OR status = ?) ORDER BY id DESC LIMIT ?",
                             arguments: [status?.rawValue, status?.rawValue, limit]).map(Self.delivery(from:))
        }
    }

    public func deliveryCounts() async throws -> [Delivery.Status: Int] {
        try await writer.read { db in try Self.countsByStatus(db, table: "delivery") }
    }

    public func redeliver(_ id: Int64) async throws -> Bool {
        try await writer.write { db in try Self.makePending(db, id, subscription: nil) }
    }

    /// Pending again and due now, unless pending already; only a delivery of `subscription` when one is given.
    static func makePending(_ db: Database, _ id: Int64, subscription: String?) throws -> Bool {
        try db.execute(sql: """
            UPDATE delivery SET status = 'pending', nextAttemptAt = ?, finishedAt = NULL, scheduleStart = attempts
            WHERE id = ? AND (? IS NULL OR subscription = ?) AND status != 'pending'
            """, arguments: [Date(), id, subscription, subscription])
        return db.changesCount == 1
    }

    static func delivery(from row: Row) throws -> Delivery {
        let jobText: String = row["jobId"]
        let statusText: String = row["status"]
        guard let jobId = JobID(jobText), let status = Delivery.Status(rawValue: statusText) else {
            throw DatabaseError(message: "delivery row with job \(jobText) and status \(statusText)")
        }
        let subscription: String = row["subscription"]
        let planned = PlannedDelivery(endpoint: row["endpoint"], subscription: subscription.isEmpty ? nil : subscription,
                                      eventSequence: row["eventSequence"],
                                      eventId: row["eventId"], jobId: jobId, body: row["body"])
        return Delivery(id: row["id"], planned: planned, status: status, attempts: row["attempts"], scheduleStart: row["scheduleStart"] ?? 0,
                        nextAttemptAt: row["nextAttemptAt"], lastStatus: row["lastStatus"], lastError: row["lastError"],
                        createdAt: row["createdAt"], finishedAt: row["finishedAt"])
    }
}
