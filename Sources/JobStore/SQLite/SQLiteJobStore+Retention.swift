import Foundation
import GRDB

extension SQLiteJobStore: RetentionStore {
    static func registerRetentionMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v6: retention") { db in
            try db.create(index: "delivery_attempt_at", on: "delivery_attempt", columns: ["at"])
            // v5 named the old indexes wrongly and left them in place.
            try dropSingleColumnJobIndexes(db)
        }
    }

    /// Rows go in batches of `batch` jobs, each batch one short transaction, so the agent's transitions
    /// interleave with a purge of a million jobs instead of waiting for it.
    static let purgeBatch = 500

    public func purge(_ cutoffs: PurgeCutoffs, dryRun: Bool) async throws -> PurgeReport {
        var report = PurgeReport()
        let terminal = JobState.allCases.filter(\.isTerminal).map { "'\($0.rawValue)'" }.joined(separator: ",")
        // A job whose events are still on their way to an endpoint stays until they have arrived or ended.
        let purgeable = """
            status IN (\(terminal)) AND updatedAt < ?
              AND NOT EXISTS (SELECT 1 FROM delivery WHERE delivery.jobId = job.id AND delivery.status = 'pending')
            """
        let selection = """
            SELECT id, updatedAt FROM job WHERE \(purgeable) AND (updatedAt > ? OR (updatedAt = ? AND id > ?))
            ORDER BY updatedAt, id LIMIT ?
            """
        var after = (Date.distantPast, "")
        while true {
            let cursor = after
            let batch: (rows: [(String, Date)], events: Int, deliveries: Int, attempts: Int) = try await writer.write { db in
                let rows = try Row.fetchAll(db, sql: selection, arguments: [cutoffs.finishedJobsBefore, cursor.0, cursor.0, cursor.1, Self.purgeBatch])
                let ids: [String] = rows.map { $0["id"] }
                guard !ids.isEmpty else { return ([], 0, 0, 0) }
                let list = "(" + ids.map { _ in "?" }.joined(separator: ",") + ")"
                let arguments = StatementArguments(ids)
                let events = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM job_event WHERE jobId IN \(list)", arguments: arguments) ?? 0
                let deliveries = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM delivery WHERE jobId IN \(list)", arguments: arguments) ?? 0
                let attempts = try Int.fetchOne(db, sql: """
                    SELECT COUNT(*) FROM delivery_attempt WHERE deliveryId IN (SELECT id FROM delivery WHERE jobId IN \(list))
                    """, arguments: arguments) ?? 0
                if !dryRun {
                    // Attempts go with their deliveries (ON DELETE CASCADE), events and outputs with their job.
                    try db.execute(sql: "DELETE FROM delivery WHERE jobId IN \(list)", arguments: arguments)
                    try db.execute(sql: "DELETE FROM job WHERE id IN \(list)", arguments: arguments)
                }
                return (rows.map { ($0["id"], $0["updatedAt"]) }, events, deliveries, attempts)
            }
            guard let last = batch.rows.last else { break }
            report.add(jobs: batch.rows.compactMap { JobID($0.0) }, events: batch.events, deliveries: batch.deliveries, attempts: batch.attempts)
            after = (last.1, last.0)
        }
        let (attempts, keys): (Int, Int) = try await writer.write { db in
            let attemptsWhere = "FROM delivery_attempt WHERE at < ?"
            let keysWhere = "FROM idempotency_key WHERE createdAt < ?"
            // Attempts of the jobs counted above once only: a dry run has left them in place.
            let attempts = try Int.fetchOne(db, sql: """
                SELECT COUNT(*) \(attemptsWhere) AND deliveryId NOT IN
                  (SELECT planned.id FROM delivery AS planned WHERE planned.jobId IN (SELECT id FROM job WHERE \(purgeable)))
                """, arguments: [cutoffs.attemptsBefore, cutoffs.finishedJobsBefore]) ?? 0
            let keys = try Int.fetchOne(db, sql: "SELECT COUNT(*) \(keysWhere)", arguments: [cutoffs.idempotencyKeysBefore]) ?? 0
            if !dryRun {
                try db.execute(sql: "DELETE \(attemptsWhere)", arguments: [cutoffs.attemptsBefore])
                try db.execute(sql: "DELETE \(keysWhere)", arguments: [cutoffs.idempotencyKeysBefore])
            }
            return (attempts, keys)
        }
        report.attempts += attempts
        report.idempotencyKeys = keys
        if !dryRun {
            // Give the freed pages back to the filesystem (the store is in incremental auto-vacuum mode), and
            // the write-ahead log the purge grew with them: a checkpoint that truncates it, as far as readers
            // of the running agent let it (the rest goes at the next checkpoint).
            try await writer.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA incremental_vacuum")
                _ = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)")
            }
        }
        return report
    }

    /// Incremental auto-vacuum, so that a purge shrinks the file. A store made before it is switched once,
    /// with a VACUUM that rewrites the file (seconds for a large store, once).
    static func enableIncrementalVacuum(_ writer: any DatabaseWriter) throws {
        let mode = try writer.read { db in try Int.fetchOne(db, sql: "PRAGMA auto_vacuum") ?? 0 }
        guard mode != 2 else { return }
        try writer.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA auto_vacuum = INCREMENTAL")
            try db.execute(sql: "VACUUM")
        }
    }
}
