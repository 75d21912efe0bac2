import Bridge
import JobStore

/// Everything the running agent keeps in its store: what the bridge keeps (jobs, tokens, webhooks,
/// deliveries) and what retention removes. The runtime names no implementation beyond the one it opens.
typealias AgentStore = BridgeStore & RetentionStore
