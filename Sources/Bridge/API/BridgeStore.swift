import JobStore
/// Everything the bridge keeps: jobs and their events, API tokens, webhook subscriptions and deliveries.
/// One store in practice (SQLite now, a shared PostgreSQL later), several protocols so that each part of
/// the bridge names what it uses.
public typealias BridgeStore = JobStore & AccessTokenStore & DeliveryStore & WebhookStore
