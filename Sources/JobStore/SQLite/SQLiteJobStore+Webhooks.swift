import Foundation
import GRDB

extension SQLiteJobStore: WebhookStore {
    public func createWebhook(_ webhook: WebhookSubscription) async throws {
        try await writer.write { db in
            try db.execute(sql: """
                INSERT INTO webhook (id, url, events, description, secret, createdAt, disabledAt, disabledReason, previousSecret,
                                     previousSecretUntil) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [webhook.id, webhook.url, webhook.events.joined(separator: ","), webhook.description, webhook.secret,
                                 webhook.createdAt, webhook.disabledAt, webhook.disabledReason, webhook.previousSecret,
                                 webhook.previousSecretUntil])
        }
    }

    public func webhooks() async throws -> [WebhookSubscription] {
        try await writer.read { db in try Row.fetchAll(db, sql: "SELECT * FROM webhook ORDER BY id").map(Self.webhook(from:)) }
    }

    public func webhook(_ id: String) async throws -> WebhookSubscription? {
        try await writer.read { db in try Row.fetchOne(db, sql: "SELECT * FROM webhook WHERE id = ?", arguments: [id]).map(Self.webhook(from:)) }
    }

    public func deleteWebhook(_ id: String) async throws -> Bool {
        try await writer.write { db in
            try Self.endPending(db, webhook: id, reason: "the subscription was deleted")
            try db.execute(sql: "DELETE FROM webhook WHERE id = ?", arguments: [id])
            return db.changesCount == 1
        }
    }

    public func updateWebhook(_ webhook: WebhookSubscription) async throws {
        try await writer.write { db in
            try db.execute(sql: """
                UPDATE webhook SET url = ?, events = ?, description = ?, secret = ?, previousSecret = ?, previousSecretUntil = ?,
                                   disabledAt = ?, disabledReason = ? WHERE id = ?
                """, arguments: [webhook.url, webhook.events.joined(separator: ","), webhook.description, webhook.secret,
                                 webhook.previousSecret, webhook.previousSecretUntil, webhook.disabledAt, webhook.disabledReason, webhook.id])
        }
    }

    public func disableWebhook(_ id: String, reason: String) async throws {
        try await writer.write { db in
            try db.execute(sql: "UPDATE webhook SET disabledAt = ?, disabledReason = ? WHERE id = ? AND disabledAt IS NULL",
                           arguments: [Date(), reason, id])
            try Self.endPending(db, webhook: id, reason: reason)
        }
    }

    public func deliveries(ofWebhook id: String, limit: Int) async throws -> [Delivery] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM delivery WHERE subscription = ? ORDER BY id DESC LIMIT ?", arguments: [id, limit])
                .map(Self.delivery(from:))
        }
    }

    public func redeliver(_ deliveryId: Int64, ofWebhook id: String) async throws -> Bool {
        try await writer.write { db in try Self.makePending(db, deliveryId, subscription: id) }
    }

    private static func endPending(_ db: Database, webhook id: String, reason: String) throws {
        try db.execute(sql: "UPDATE delivery SET status = 'dead', lastError = ?, finishedAt = ? WHERE subscription = ? AND status = 'pending'",
                       arguments: [reason, Date(), id])
    }

    private static func webhook(from row: Row) -> WebhookSubscription {
        let events: String = row["events"]
        return WebhookSubscription(id: row["id"], url: row["url"], events: events.split(separator: ",").map(String.init),
                                   description: row["description"], secret: row["secret"], createdAt: row["createdAt"],
                                   disabledAt: row["disabledAt"], disabledReason: row["disabledReason"],
                                   previousSecret: row["previousSecret"], previousSecretUntil: row["previousSecretUntil"])
    }
}
