import Foundation
import PostgresNIO

extension PostgresJobStore: DeliveryStore {
    public func plannedThrough() async throws -> Int64 {
        try await withConnection { [self] connection in
            for try await value in try await connection.query("SELECT sequence FROM delivery_cursor WHERE name = 'events'", logger: logger)
                .decode(Int64.self) { return value }
            return 0
        }
    }

    public func plan(_ deliveries: [PlannedDelivery], through sequence: Int64) async throws {
        let now = Date()
        try await inTransaction { [self] connection in
            for delivery in deliveries {
                try await connection.query("""
                    INSERT INTO delivery (endpoint, subscription, event_sequence, event_id, job_id, body, status, next_attempt_at, created_at)
                    VALUES (\(delivery.endpoint), \(delivery.subscription ?? ""), \(delivery.eventSequence), \(delivery.eventId),
                            \(delivery.jobId.rawValue), \(delivery.body), 'pending', \(now), \(now))
                    ON CONFLICT (endpoint, subscription, event_sequence) DO NOTHING
                    """, logger: logger)
            }
            try await connection.query("""
                INSERT INTO delivery_cursor (name, sequence) VALUES ('events', \(sequence))
                ON CONFLICT (name) DO UPDATE SET sequence = GREATEST(delivery_cursor.sequence, EXCLUDED.sequence)
                """, logger: logger)
        }
    }

    public func dueEndpoints(at now: Date, limit: Int) async throws -> [String] {
        try await withConnection { [self] connection in
            var endpoints: [String] = []
            for try await endpoint in try await connection.query("""
                SELECT endpoint FROM delivery WHERE status = 'pending' AND next_attempt_at <= \(now)
                    AND (leased_until IS NULL OR leased_until <= now())
                GROUP BY endpoint ORDER BY MIN(event_sequence) LIMIT \(limit)
                """, logger: logger).decode(String.self) { endpoints.append(endpoint) }
            return endpoints
        }
    }

    public func takeDueDelivery(at now: Date, endpoint: String, holder: String, lease: Duration) async throws -> Delivery? {
        // Leases run by the server's clock, so nodes' clocks need not agree.
        try await withConnection { [self] connection in
            try await connection.query("""
                UPDATE delivery SET leased_by = \(holder), leased_until = now() + make_interval(secs => \(lease.seconds))
                WHERE id = (
                    SELECT d.id FROM delivery AS d
                    WHERE d.status = 'pending' AND d.next_attempt_at <= \(now) AND d.endpoint = \(endpoint)
                      AND (d.leased_until IS NULL OR d.leased_until <= now())
                      AND NOT EXISTS (SELECT 1 FROM delivery AS e WHERE e.endpoint = d.endpoint AND e.subscription = d.subscription
                                      AND e.job_id = d.job_id AND e.status = 'pending' AND e.event_sequence < d.event_sequence)
                    ORDER BY d.event_sequence LIMIT 1
                    FOR UPDATE SKIP LOCKED)
                RETURNING *
                """, logger: logger).collect().first.map(Self.delivery(from:))
        }
    }

    public func nextDueTime() async throws -> Date? {
        try await withConnection { [self] connection in
            for try await date in try await connection.query("SELECT MIN(next_attempt_at) FROM delivery WHERE status = 'pending'",
                                                             logger: logger).decode(Date?.self) { return date }
            return nil
        }
    }

    public func record(_ attempt: DeliveryAttempt, outcome: DeliveryOutcome, error: String?) async throws {
        let (status, next, finished): (Delivery.Status, Date?, Date?) = switch outcome {
        case .delivered: (.delivered, nil, attempt.at)
        case .retry(let at): (.pending, at, nil)
        case .dead: (.dead, nil, attempt.at)
        case .refused: (.refused, nil, attempt.at)
        }
        try await inTransaction { [self] connection in
            try await connection.query("""
                INSERT INTO delivery_attempt (delivery_id, number, at, http_status, duration_ms, error)
                VALUES (\(attempt.deliveryId), \(attempt.number), \(attempt.at), \(attempt.httpStatus), \(attempt.durationMs), \(attempt.error))
                """, logger: logger)
            // Only while it is still pending at the attempt it was made from (see the protocol).
            try await connection.query("""
                UPDATE delivery SET status = \(status.rawValue), attempts = \(attempt.number),
                    next_attempt_at = COALESCE(\(next), next_attempt_at), last_status = \(attempt.httpStatus), last_error = \(error),
                    finished_at = \(finished), leased_by = NULL, leased_until = NULL
                WHERE id = \(attempt.deliveryId) AND status = 'pending' AND attempts = \(attempt.number - 1)
                """, logger: logger)
        }
    }

    public func delivery(_ id: Int64) async throws -> Delivery? {
        try await deliveries("SELECT * FROM delivery WHERE id = \(id)").first
    }

    public func attempts(of id: Int64) async throws -> [DeliveryAttempt] {
        try await withConnection { [self] connection in
            var attempts: [DeliveryAttempt] = []
            for try await (number, at, status, duration, error) in try await connection.query("""
                SELECT number, at, http_status, duration_ms, error FROM delivery_attempt WHERE delivery_id = \(id) ORDER BY number
                """, logger: logger).decode((Int, Date, Int?, Int, String?).self) {
                attempts.append(DeliveryAttempt(deliveryId: id, number: number, at: at, httpStatus: status, durationMs: duration, error: error))
            }
            return attempts
        }
    }

    public func deliveries(of job: JobID) async throws -> [Delivery] {
        try await deliveries("SELECT * FROM delivery WHERE job_id = \(job.rawValue) ORDER BY event_sequence, id")
    }

    public func deliveries(status: Delivery.Status?, limit: Int) async throws -> [Delivery] {
        guard let status else { return try await deliveries("SELECT * FROM delivery ORDER BY id DESC LIMIT \(limit)") }
        return try await deliveries("SELECT * FROM delivery WHERE status = \(status.rawValue) ORDER BY id DESC LIMIT \(limit)")
    }

    public func deliveryCounts() async throws -> [Delivery.Status: Int] {
        try await withConnection { [self] connection in
            var counts: [Delivery.Status: Int] = [:]
            for try await (status, count) in try await connection.query("SELECT status, COUNT(*) FROM delivery GROUP BY status", logger: logger)
                .decode((String, Int).self) {
                if let state = Delivery.Status(rawValue: status) { counts[state] = count }
            }
            return counts
        }
    }

    public func redeliver(_ id: Int64) async throws -> Bool {
        try await makePending(id, subscription: nil)
    }

    /// Pending again and due now, unless pending already; only a delivery of `subscription` when one is given.
    func makePending(_ id: Int64, subscription: String?) async throws -> Bool {
        try await withConnection { [self] connection in
            try await !connection.query("""
                UPDATE delivery SET status = 'pending', next_attempt_at = \(Date()), finished_at = NULL, schedule_start = attempts,
                    leased_by = NULL, leased_until = NULL
                WHERE id = \(id) AND (\(subscription)::text IS NULL OR subscription = \(subscription)) AND status != 'pending'
                RETURNING id
                """, logger: logger).collect().isEmpty
        }
    }

    func deliveries(_ query: PostgresQuery) async throws -> [Delivery] {
        try await withConnection { [self] connection in
            try await connection.query(query, logger: logger).collect().map(Self.delivery(from:))
        }
    }

    static func delivery(from row: PostgresRow) throws -> Delivery {
        let cells = row.makeRandomAccess()
        let jobText = try cells["job_id"].decode(String.self)
        let statusText = try cells["status"].decode(String.self)
        guard let jobId = JobID(jobText), let status = Delivery.Status(rawValue: statusText) else {
            throw PostgresStoreError.unreadableRow("delivery with job \(jobText) and status \(statusText)")
        }
        let subscription = try cells["subscription"].decode(String.self)
        let planned = PlannedDelivery(endpoint: try cells["endpoint"].decode(String.self), subscription: subscription.isEmpty ? nil : subscription,
                                      eventSequence: try cells["event_sequence"].decode(Int64.self), eventId: try cells["event_id"].decode(String.self),
                                      jobId: jobId, body: try cells["body"].decode(Data.self))
        return Delivery(id: try cells["id"].decode(Int64.self), planned: planned, status: status, attempts: try cells["attempts"].decode(Int.self),
                        scheduleStart: try cells["schedule_start"].decode(Int.self), nextAttemptAt: try cells["next_attempt_at"].decode(Date.self),
                        lastStatus: try cells["last_status"].decode(Int?.self), lastError: try cells["last_error"].decode(String?.self),
                        createdAt: try cells["created_at"].decode(Date.self), finishedAt: try cells["finished_at"].decode(Date?.self))
    }
}
