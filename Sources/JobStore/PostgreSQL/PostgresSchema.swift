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
            "CREATE INDEX idempotency_key_created_at ON idempotency_key (created_at)",
        ],
        [
            "CREATE TABLE delivery_cursor (name text PRIMARY KEY, sequence bigint NOT NULL)",
            """
            CREATE TABLE delivery (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, endpoint text NOT NULL, subscription text NOT NULL DEFAULT '',
                event_sequence bigint NOT NULL, event_id text NOT NULL, job_id text NOT NULL, body bytea NOT NULL,
                status text NOT NULL, attempts integer NOT NULL DEFAULT 0, schedule_start integer NOT NULL DEFAULT 0,
                next_attempt_at timestamptz NOT NULL, last_status integer, last_error text, created_at timestamptz NOT NULL,
                finished_at timestamptz, UNIQUE (endpoint, subscription, event_sequence))
            """,
            "CREATE INDEX delivery_due ON delivery (status, next_attempt_at)",
            "CREATE INDEX delivery_order ON delivery (endpoint, job_id, status, event_sequence)",
            "CREATE INDEX delivery_subscription ON delivery (subscription, id)",
            "CREATE INDEX delivery_job ON delivery (job_id, event_sequence)",
            "CREATE INDEX delivery_finished ON delivery (finished_at)",
            """
            CREATE TABLE delivery_attempt (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                delivery_id bigint NOT NULL REFERENCES delivery (id) ON DELETE CASCADE, number integer NOT NULL,
                at timestamptz NOT NULL, http_status integer, duration_ms integer NOT NULL, error text)
            """,
            "CREATE INDEX delivery_attempt_delivery ON delivery_attempt (delivery_id)",
            "CREATE INDEX delivery_attempt_at ON delivery_attempt (at)",
            """
            CREATE TABLE webhook (
                id text PRIMARY KEY, url text NOT NULL, events text NOT NULL, description text, secret text NOT NULL,
                created_at timestamptz NOT NULL, disabled_at timestamptz, disabled_reason text, previous_secret text,
                previous_secret_until timestamptz)
            """,
            """
            CREATE TABLE access_token (
                name text PRIMARY KEY, sha256 text NOT NULL UNIQUE, scopes text NOT NULL, created_at timestamptz NOT NULL,
                last_used_at timestamptz)
            """,
            "CREATE INDEX job_status_updated_at ON job (status, updated_at)",
        ],
        [
            // Several agents: who is alive (heartbeats by the server's clock), which node runs which job
            // (under the lease number it joined with), and deliveries in flight on one node at a time.
            "CREATE SEQUENCE node_lease_number",
            """
            CREATE TABLE node (
                name text PRIMARY KEY, lease bigint NOT NULL, joined_at timestamptz NOT NULL, heartbeat_at timestamptz NOT NULL,
                rescued_by text, rescued_at timestamptz)
            """,
            """
            CREATE TABLE job_hold (
                job_id text PRIMARY KEY REFERENCES job (id) ON DELETE CASCADE, node text NOT NULL, lease bigint NOT NULL)
            """,
            "CREATE INDEX job_hold_node ON job_hold (node)",
            "ALTER TABLE delivery ADD COLUMN leased_by text, ADD COLUMN leased_until timestamptz",
        ],
        [
            // One decider for "is this lease still the node's own". It locks the node's row KEY SHARE: a rescue
            // of the node (which locks the row FOR UPDATE) waits until the transaction that asked commits, and
            // then moves what it did too; heartbeats (no key change) are not held up.
            """
            CREATE FUNCTION node_lease_is_current(node_name text, node_lease bigint) RETURNS boolean
            LANGUAGE sql VOLATILE AS $$
                SELECT EXISTS (SELECT 1 FROM node WHERE name = node_name AND lease = node_lease AND rescued_by IS NULL
                               FOR KEY SHARE)
            $$
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
