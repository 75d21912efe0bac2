import Foundation
import PostgresNIO

extension PostgresJobStore: WebhookStore {
    public func createWebhook(_ webhook: WebhookSubscription) async throws {
        try await withConnection { [self] connection in
            try await connection.query("""
                INSERT INTO webhook (id, url, events, description, secret, created_at, disabled_at, disabled_reason, previous_secret,
                                     previous_secret_until)
                VALUES (\(webhook.id), \(webhook.url), \(webhook.events.joined(separator: ",")), \(webhook.description), \(webhook.secret),
                        \(webhook.createdAt), \(webhook.disabledAt), \(webhook.disabledReason), \(webhook.previousSecret),
                        \(webhook.previousSecretUntil))
                """, logger: logger)
        }
    }

    public func webhooks() async throws -> [WebhookSubscription] {
        try await withConnection { [self] connection in
            try await connection.query("SELECT * FROM webhook ORDER BY id", logger: logger).collect().map(Self.webhook(from:))
        }
    }

    public func webhook(_ id: String) async throws -> WebhookSubscription? {
        try await withConnection { [self] connection in
            try await connection.query("SELECT * FROM webhook WHERE id = \(id)", logger: logger).collect().first.map(Self.webhook(from:))
        }
    }

    public func deleteWebhook(_ id: String) async throws -> Bool {
        try await inTransaction { [self] connection in
            try await Self.endPending(connection, webhook: id, reason: "the subscription was deleted", logger: logger)
            return try await !connection.query("DELETE FROM webhook WHERE id = \(id) RETURNING id", logger: logger).collect().isEmpty
        }
    }

    public func updateWebhook(_ webhook: WebhookSubscription) async throws {
        try await withConnection { [self] connection in
            try await connection.query("""
                UPDATE webhook SET url = \(webhook.url), events = \(webhook.events.joined(separator: ",")), description = \(webhook.description),
                    secret = \(webhook.secret), previous_secret = \(webhook.previousSecret), previous_secret_until = \(webhook.previousSecretUntil),
                    disabled_at = \(webhook.disabledAt), disabled_reason = \(webhook.disabledReason)
                WHERE id = \(webhook.id)
                """, logger: logger)
        }
    }

    public func disableWebhook(_ id: String, reason: String) async throws {
        try await inTransaction { [self] connection in
            try await connection.query("""
                UPDATE webhook SET disabled_at = \(Date()), disabled_reason = \(reason) WHERE id = \(id) AND disabled_at IS NULL
                """, logger: logger)
            try await Self.endPending(connection, webhook: id, reason: reason, logger: logger)
        }
    }

    public func deliveries(ofWebhook id: String, limit: Int) async throws -> [Delivery] {
        try await deliveries("SELECT * FROM delivery WHERE subscription = \(id) ORDER BY id DESC LIMIT \(limit)")
    }

    public func redeliver(_ deliveryId: Int64, ofWebhook id: String) async throws -> Bool {
        try await makePending(deliveryId, subscription: id)
    }

    private static func endPending(_ connection: PostgresConnection, webhook id: String, reason: String, logger: Logger) async throws {
        try await connection.query("""
            UPDATE delivery SET status = 'dead', last_error = \(reason), finished_at = \(Date()) WHERE subscription = \(id) AND status = 'pending'
            """, logger: logger)
    }

    private static func webhook(from row: PostgresRow) throws -> WebhookSubscription {
        let cells = row.makeRandomAccess()
        return WebhookSubscription(id: try cells["id"].decode(String.self), url: try cells["url"].decode(String.self),
                                   events: try cells["events"].decode(String.self).split(separator: ",").map(String.init),
                                   description: try cells["description"].decode(String?.self), secret: try cells["secret"].decode(String.self),
                                   createdAt: try cells["created_at"].decode(Date.self), disabledAt: try cells["disabled_at"].decode(Date?.self),
                                   disabledReason: try cells["disabled_reason"].decode(String?.self),
                                   previousSecret: try cells["previous_secret"].decode(String?.self),
                                   previousSecretUntil: try cells["previous_secret_until"].decode(Date?.self))
    }
}
