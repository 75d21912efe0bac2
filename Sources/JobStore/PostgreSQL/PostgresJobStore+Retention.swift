import Foundation
import PostgresNIO

extension PostgresJobStore: RetentionStore {
    static let purgeBatch = 500

    public func purge(_ cutoffs: PurgeCutoffs, dryRun: Bool) async throws -> PurgeReport {
        var report = PurgeReport()
        let terminal = JobState.allCases.filter(\.isTerminal).map(\.rawValue)
        var after = (Date.distantPast, "")
        while true {
            let cursor = after
            // A job whose events are still on their way to an endpoint stays until they have arrived or ended.
            let batch: (rows: [(String, Date)], events: Int, deliveries: Int, attempts: Int) = try await inTransaction { [self] connection in
                var rows: [(String, Date)] = []
                for try await row in try await connection.query("""
                    SELECT id, updated_at FROM job
                    WHERE status = ANY(\(terminal)) AND updated_at < \(cutoffs.finishedJobsBefore)
                      AND NOT EXISTS (SELECT 1 FROM delivery WHERE delivery.job_id = job.id AND delivery.status = 'pending')
                      AND (updated_at > \(cursor.0) OR (updated_at = \(cursor.0) AND id > \(cursor.1)))
                    ORDER BY updated_at, id LIMIT \(Self.purgeBatch)
                    """, logger: logger).decode((String, Date).self) { rows.append(row) }
                let ids = rows.map(\.0)
                guard !ids.isEmpty else { return ([], 0, 0, 0) }
                let events = try await Self.count(connection, "SELECT COUNT(*) FROM job_event WHERE job_id = ANY(\(ids))", logger: logger)
                let deliveries = try await Self.count(connection, "SELECT COUNT(*) FROM delivery WHERE job_id = ANY(\(ids))", logger: logger)
                let attempts = try await Self.count(connection, """
                    SELECT COUNT(*) FROM delivery_attempt WHERE delivery_id IN (SELECT id FROM delivery WHERE job_id = ANY(\(ids)))
                    """, logger: logger)
                if !dryRun {
                    // Attempts go with their deliveries (ON DELETE CASCADE), events, outputs, parts and revisions with their job.
                    try await connection.query("DELETE FROM delivery WHERE job_id = ANY(\(ids))", logger: logger)
                    try await connection.query("DELETE FROM job WHERE id = ANY(\(ids))", logger: logger)
                }
                return (rows, events, deliveries, attempts)
            }
            guard let last = batch.rows.last else { break }
            report.add(jobs: batch.rows.compactMap { JobID($0.0) }, events: batch.events, deliveries: batch.deliveries, attempts: batch.attempts)
            after = (last.1, last.0)
        }
        let (attempts, keys): (Int, Int) = try await inTransaction { [self] connection in
            // Attempts of the jobs counted above once only: a dry run has left them in place.
            let attempts = try await Self.count(connection, """
                SELECT COUNT(*) FROM delivery_attempt WHERE at < \(cutoffs.attemptsBefore) AND delivery_id NOT IN
                  (SELECT planned.id FROM delivery AS planned WHERE planned.job_id IN
                    (SELECT id FROM job WHERE status = ANY(\(terminal)) AND updated_at < \(cutoffs.finishedJobsBefore)
                       AND NOT EXISTS (SELECT 1 FROM delivery WHERE delivery.job_id = job.id AND delivery.status = 'pending')))
                """, logger: logger)
            let keys = try await Self.count(connection, "SELECT COUNT(*) FROM idempotency_key WHERE created_at < \(cutoffs.idempotencyKeysBefore)",
                                            logger: logger)
            if !dryRun {
                try await connection.query("DELETE FROM delivery_attempt WHERE at < \(cutoffs.attemptsBefore)", logger: logger)
                try await connection.query("DELETE FROM idempotency_key WHERE created_at < \(cutoffs.idempotencyKeysBefore)", logger: logger)
            }
            return (attempts, keys)
        }
        report.attempts += attempts
        report.idempotencyKeys = keys
        return report
    }

    private static func count(_ connection: PostgresConnection, _ query: PostgresQuery, logger: Logger) async throws -> Int {
        for try await value in try await connection.query(query, logger: logger).decode(Int.self) { return value }
        return 0
    }
}
