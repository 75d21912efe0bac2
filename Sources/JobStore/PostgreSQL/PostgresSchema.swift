import Logging
import PostgresNIO

/// The PostgreSQL store's tables, made and moved forward at start under an advisory lock, so that several
/// agents starting at once migrate once. Each step runs in a transaction with its version row.
enum PostgresSchema {
    /// Any number the agents agree on: the lock only serialises their migrations.
    static let migrationLock: Int64 = 0x4846_415F_6D69_6772

    static let steps: [[PostgresQuery]] = [
        [
            """
            CREATE TABLE job (
                id text PRIMARY KEY, status text NOT NULL, hotfolder text, file_name text NOT NULL, claimed_path text,
                original_path text, sha256 text, size_bytes bigint, kind text, external_id text, product text NOT NULL,
                failure_reason text, created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL,
                job_order text NOT NULL DEFAULT '{}', internal_failures integer NOT NULL DEFAULT 0,
                proof_link_epoch integer NOT NULL DEFAULT 0, revision integer NOT NULL DEFAULT 1)
            """,
            "CREATE INDEX job_status_id ON job (status, id)",
            "CREATE INDEX job_hotfolder_id ON job (hotfolder, id)",
            "CREATE INDEX job_external_id_id ON job (external_id, id)",
            "CREATE INDEX job_created_at ON job (created_at)",
            // The feed's cursor: one row, taken (and so locked) by every transaction that writes an event, so
            // sequences are handed out in commit order and a reader never sees a later one before an earlier.
            "CREATE TABLE event_counter (id integer PRIMARY KEY CHECK (id = 1), value bigint NOT NULL)",
            "INSERT INTO event_counter (id, value) VALUES (1, 0)",
            """
            CREATE TABLE job_event (
                global_sequence bigint PRIMARY KEY, job_id text NOT NULL REFERENCES job (id) ON DELETE CASCADE,
                sequence integer NOT NULL, from_status text, to_status text NOT NULL, at timestamptz NOT NULL, detail text,
                event_id text NOT NULL UNIQUE, actor text, failure_reason text, proof_link_epoch integer, revision integer,
                starts_revision boolean NOT NULL DEFAULT false, part text, UNIQUE (job_id, sequence))
            """,
            """
            CREATE TABLE job_output (
                job_id text NOT NULL REFERENCES job (id) ON DELETE CASCADE, name text NOT NULL, path text NOT NULL,
                PRIMARY KEY (job_id, name))
            """,
            """
            CREATE TABLE job_revision (
                job_id text NOT NULL REFERENCES job (id) ON DELETE CASCADE, revision integer NOT NULL, status text NOT NULL,
                file_name text NOT NULL, sha256 text, size_bytes bigint, original_path text, failure_reason text,
                ended_at timestamptz NOT NULL, PRIMARY KEY (job_id, revision))
            """,
            """
            CREATE TABLE job_part (
                job_id text NOT NULL REFERENCES job (id) ON DELETE CASCADE, part text NOT NULL, file_name text NOT NULL,
                claimed_path text NOT NULL, original_path text, sha256 text NOT NULL, size_bytes bigint NOT NULL, kind text,
                received_at timestamptz NOT NULL, PRIMARY KEY (job_id, part))
            """,
            """
            CREATE TABLE idempotency_key (
                owner text NOT NULL, key text NOT NULL, request_hash text NOT NULL, status_code integer NOT NULL,
                response_body bytea NOT NULL, created_at timestamptz NOT NULL, PRIMARY KEY (owner, key))
            """,
        ],
    ]

    /// Brings the database to the newest step; steps already made are skipped.
    static func migrate(_ client: PostgresClient, logger: Logger) async throws {
        try await client.withConnection { connection in
            try await connection.query("SELECT pg_advisory_lock(\(migrationLock))", logger: logger)
            do {
                try await connection.query("CREATE TABLE IF NOT EXISTS schema_step (step integer PRIMARY KEY)", logger: logger)
                var done = Set<Int>()
                for try await step in try await connection.query("SELECT step FROM schema_step", logger: logger).decode(Int.self) {
                    done.insert(step)
                }
                for (index, statements) in steps.enumerated() where !done.contains(index + 1) {
                    let step = index + 1
                    try await connection.withTransaction(logger: logger) { transaction in
                        for statement in statements { try await transaction.query(statement, logger: logger) }
                        try await transaction.query("INSERT INTO schema_step (step) VALUES (\(step))", logger: logger)
                    }
                }
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(migrationLock))", logger: logger)
                throw error
            }
            try await connection.query("SELECT pg_advisory_unlock(\(migrationLock))", logger: logger)
        }
    }
}
