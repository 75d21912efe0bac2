import Foundation

/// A webhook subscription: an endpoint that receives the events it asks for, signed with its own secret.
public struct WebhookSubscription: Sendable, Hashable {
    public var id: String
    public var url: String
    /// Event types ("job.print_ready"), or "job.*" for all.
    public var events: [String]
    public var description: String?
    public var secret: String
    public var createdAt: Date
    /// Set when the endpoint answered 410 Gone: no more deliveries.
    public var disabledAt: Date?
    public var disabledReason: String?
    /// The secret before the last rotation, still signing beside the new one until `previousSecretUntil`.
    public var previousSecret: String?
    public var previousSecretUntil: Date?

    public init(id: String, url: String, events: [String], description: String?, secret: String, createdAt: Date,
                disabledAt: Date? = nil, disabledReason: String? = nil, previousSecret: String? = nil, previousSecretUntil: Date? = nil) {
        self.previousSecret = previousSecret
        self.previousSecretUntil = previousSecretUntil
        self.id = id
        self.url = url
        self.events = events
        self.description = description
        self.secret = secret
        self.createdAt = createdAt
        self.disabledAt = disabledAt
        self.disabledReason = disabledReason
    }

    /// The secrets a delivery at `now` is signed with: the current one, and the previous one during the
    /// overlap after a rotation (receivers accept any signature that matches a secret they hold).
    public func signingSecrets(at now: Date = Date()) -> [String] {
        guard let previousSecret, let until = previousSecretUntil, until > now else { return [secret] }
        return [secret, previousSecret]
    }

    /// Whether an event of `type` goes to this subscription.
    public func wants(_ type: String) -> Bool {
        disabledAt == nil && events.contains { $0 == type || $0 == "job.*" || $0 == "*" }
    }

    /// `wh_` and a ULID, like job ids: sortable and self-describing in logs.
    public static func newID() -> String { "wh_" + ULID.generate().description }
}

/// Where subscriptions live, beside the deliveries made for them.
public protocol WebhookStore: Sendable {
    func createWebhook(_ webhook: WebhookSubscription) async throws
    func webhooks() async throws -> [WebhookSubscription]
    func webhook(_ id: String) async throws -> WebhookSubscription?
    /// Removes the subscription; its pending deliveries end as dead. False when there was none.
    func deleteWebhook(_ id: String) async throws -> Bool
    /// Writes the subscription's editable fields (url, events, description, secrets, disabled state).
    func updateWebhook(_ webhook: WebhookSubscription) async throws
    /// Stops deliveries to it (the endpoint answered 410); its pending deliveries end as dead.
    func disableWebhook(_ id: String, reason: String) async throws
    /// The deliveries made for it, newest first.
    func deliveries(ofWebhook id: String, limit: Int) async throws -> [Delivery]
    /// Makes a delivered or dead delivery pending again, due now; false when it does not belong to the webhook.
    func redeliver(_ deliveryId: Int64, ofWebhook id: String) async throws -> Bool
}
