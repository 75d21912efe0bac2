import Foundation
import PostgresNIO

extension PostgresJobStore: ClusterStore {
    public func join(as node: String) async throws -> NodeLease {
        try await withConnection { [self] connection in
            let rows = try await connection.query("""
                INSERT INTO node (name, lease, joined_at, heartbeat_at) VALUES (\(node), nextval('node_lease_number'), now(), now())
                ON CONFLICT (name) DO UPDATE SET lease = EXCLUDED.lease, joined_at = now(), heartbeat_at = now(),
                    rescued_by = NULL, rescued_at = NULL
                RETURNING lease
                """, logger: logger).collect().map { try $0.decode(Int64.self) }
            guard let number = rows.first else { throw PostgresStoreError.unreadableRow("node \(node) without a lease") }
            return NodeLease(node: node, number: number)
        }
    }

    public func heartbeat(_ lease: NodeLease) async throws -> Bool {
        try await withConnection { [self] connection in
            try await !connection.query("""
                UPDATE node SET heartbeat_at = now() WHERE name = \(lease.node) AND lease = \(lease.number) AND rescued_by IS NULL
                RETURNING name
                """, logger: logger).collect().isEmpty
        }
    }

    public func silentNodes(for timeout: Duration) async throws -> [String] {
        try await withConnection { [self] connection in
            try await connection.query("""
                SELECT name FROM node WHERE rescued_by IS NULL AND heartbeat_at < now() - make_interval(secs => \(timeout.seconds))
                ORDER BY name
                """, logger: logger).collect().map { try $0.decode(String.self) }
        }
    }

    public func rescue(_ node: String, by rescuer: NodeLease, silentFor timeout: Duration) async throws -> [JobID]? {
        let taken: [JobID]? = try await inTransaction { [self] connection in
            // A rescuer taken for dead itself (its heartbeats late, say) rescues nobody.
            guard try await Self.isCurrent(rescuer, connection, logger: logger) else { return [JobID]?.none }
            let silent = try await connection.query("""
                SELECT name FROM node WHERE name = \(node) AND rescued_by IS NULL
                    AND heartbeat_at < now() - make_interval(secs => \(timeout.seconds))
                FOR UPDATE
                """, logger: logger).collect()
            guard !silent.isEmpty else { return [JobID]?.none }
            try await connection.query("UPDATE node SET rescued_by = \(rescuer.node), rescued_at = now() WHERE name = \(node)", logger: logger)
            let ids = try await connection.query("""
                UPDATE job_hold SET node = \(rescuer.node), lease = \(rescuer.number) WHERE node = \(node) RETURNING job_id
                """, logger: logger).collect().map { try $0.decode(String.self) }.compactMap(JobID.init)
            for id in ids { try await Self.notifyChange(of: id, connection, logger: logger) }
            return ids
        }
        for id in taken ?? [] { bumpChange(of: id) }
        return taken
    }

    public func hold(_ id: JobID, for lease: NodeLease) async throws -> Bool {
        // Only under a lease that is still the node's own: a node taken for dead holds nothing new.
        try await withConnection { [self] connection in
            try await !connection.query("""
                INSERT INTO job_hold (job_id, node, lease)
                SELECT \(id.rawValue), \(lease.node), \(lease.number)
                WHERE node_lease_is_current(\(lease.node), \(lease.number))
                ON CONFLICT (job_id) DO UPDATE SET lease = EXCLUDED.lease WHERE job_hold.node = EXCLUDED.node
                RETURNING job_id
                """, logger: logger).collect().isEmpty
        }
    }

    public func holdUnheldJobs(in states: Set<JobState>, for lease: NodeLease, limit: Int) async throws -> [JobID] {
        guard limit > 0, !states.isEmpty else { return [] }
        let names = states.map(\.rawValue).sorted()
        return try await inTransaction { [self] connection in
            guard try await Self.isCurrent(lease, connection, logger: logger) else { return [] }
            let ids = try await connection.query("""
                SELECT id FROM job WHERE status = ANY(\(names)) AND NOT EXISTS (SELECT 1 FROM job_hold WHERE job_hold.job_id = job.id)
                ORDER BY id LIMIT \(limit) FOR UPDATE SKIP LOCKED
                """, logger: logger).collect().map { try $0.decode(String.self) }
            var held: [JobID] = []
            for text in ids {
                guard let id = JobID(text) else { continue }
                let rows = try await connection.query("""
                    INSERT INTO job_hold (job_id, node, lease) VALUES (\(text), \(lease.node), \(lease.number))
                    ON CONFLICT (job_id) DO NOTHING RETURNING job_id
                    """, logger: logger).collect()
                if !rows.isEmpty { held.append(id) }
            }
            return held
        }
    }

    public func holder(of id: JobID) async throws -> String? {
        try await withConnection { [self] connection in
            try await connection.query("SELECT node FROM job_hold WHERE job_id = \(id.rawValue)", logger: logger)
                .collect().first.map { try $0.decode(String.self) }
        }
    }

    public func holds(_ id: JobID, under lease: NodeLease) async throws -> Bool {
        try await withConnection { [self] connection in try await Self.isHeld(id, under: lease, connection, logger: logger) }
    }

    public func moveClaimPaths(of id: JobID, from old: String, to new: String) async throws {
        defer { bumpChange(of: id) }
        try await inTransaction { [self] connection in
            let length = old.count
            for table in ["job", "job_part"] {
                let key = table == "job" ? "id" : "job_id"
                for column in ["claimed_path", "original_path"] {
                    try await connection.query(PostgresQuery(unsafeSQL: """
                        UPDATE \(table) SET \(column) = $1 || substr(\(column), $2::integer)
                        WHERE \(key) = $3 AND left(\(column), $4::integer) = $5
                        """, binds: try Self.bindings(new, length + 1, id.rawValue, length, old)), logger: logger)
                }
            }
            try await Self.notifyChange(of: id, connection, logger: logger)
        }
    }

    public func whileClaimAreaLocked<Result: Sendable>(of node: String, _ body: () async throws -> Result) async throws -> Result {
        let key = Self.claimAreaLock(of: node)
        // Not watched for a lost connection: `body` runs other operations (which are) while the lock is held.
        return try await client.withConnection { [self] connection in
            try await connection.query("SELECT pg_advisory_lock(\(key))", logger: logger)
            do {
                let result = try await body()
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(key))", logger: logger)
                return result
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(key))", logger: logger)
                throw error
            }
        }
    }

    /// Whether `lease` is still its node's own (not ended by a rescue or a new join). Inside a transaction,
    /// a rescue of the node waits for it to commit.
    static func isCurrent(_ lease: NodeLease, _ connection: PostgresConnection, logger: Logger) async throws -> Bool {
        try await connection.query("SELECT node_lease_is_current(\(lease.node), \(lease.number))", logger: logger)
            .collect().first.map { try $0.decode(Bool.self) } ?? false
    }

    /// Whether `lease`'s node holds job `id` under that number, and the lease is still the node's own (not
    /// ended by a rescue or by the node joining again): in the caller's transaction.
    static func isHeld(_ id: JobID, under lease: NodeLease, _ connection: PostgresConnection, logger: Logger) async throws -> Bool {
        try await !connection.query("""
            SELECT 1 FROM job_hold
            WHERE job_id = \(id.rawValue) AND node = \(lease.node) AND lease = \(lease.number)
              AND node_lease_is_current(\(lease.node), \(lease.number))
            """, logger: logger).collect().isEmpty
    }

    /// A stable 64-bit advisory lock key for a node's claim area (FNV-1a of its name; the migration's lock
    /// is a different, fixed number).
    static func claimAreaLock(of node: String) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in ("claims:" + node).utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return Int64(bitPattern: hash)
    }

    private static func bindings(_ new: String, _ from: Int, _ id: String, _ length: Int, _ old: String) throws -> PostgresBindings {
        var binds = PostgresBindings()
        binds.append(new)
        binds.append(from)
        binds.append(id)
        binds.append(length)
        binds.append(old)
        return binds
    }
}
