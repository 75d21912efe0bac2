import Foundation
import JobStore
import Pipeline

/// What the bridge needs to know of the agent: where to listen, what to link to, its limits, and the hot
/// folders an API job may name.
public struct BridgeConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// The base URL of links handed out (outputs, proof pages); no trailing slash.
    public var publicURL: String
    public var jobsDirectory: String
    public var maxUploadBytes: Int64
    public var requestsPerMinute: Int
    public var proofLinkLifetime: TimeInterval
    /// The HMAC key of proof-page links; kept in the state directory so links survive restarts.
    public var proofLinkKey: Data
    /// Shared with the agent, which replaces its contents on reload.
    public let catalog: OrderCatalog
    /// In config order; an API job without `hotfolder` uses the first.
    public var hotfolders: [HotfolderDefaults] { catalog.current.folders }
    public var products: [ProductDefinition] { catalog.current.products }
    public var version: String
    /// Where callback and webhook URLs may point.
    public var callbackHosts: CallbackHostPolicy
    /// Limits of the listener and of callers without a token.
    public var limits: BridgeLimits

    public init(host: String = "127.0.0.1", port: Int = 8181, publicURL: String? = nil, jobsDirectory: String,
                maxUploadBytes: Int64 = 500_000_000, requestsPerMinute: Int = 1000,
                proofLinkLifetime: TimeInterval = 14 * 86400, proofLinkKey: Data, hotfolders: [HotfolderDefaults] = [],
                products: [ProductDefinition] = [], catalog: OrderCatalog? = nil,
                version: String = "0", callbackHosts: CallbackHostPolicy = CallbackHostPolicy(), limits: BridgeLimits = BridgeLimits()) {
        self.limits = limits
        self.host = host
        self.port = port
        self.publicURL = (publicURL ?? "http://\(host):\(port)").trimmingSuffix("/")
        self.jobsDirectory = jobsDirectory
        self.maxUploadBytes = maxUploadBytes
        self.requestsPerMinute = requestsPerMinute
        self.proofLinkLifetime = proofLinkLifetime
        self.proofLinkKey = proofLinkKey
        self.catalog = catalog ?? OrderCatalog(.init(folders: hotfolders, products: products))
        self.version = version
        self.callbackHosts = callbackHosts
    }

    func hotfolder(named name: String?) -> HotfolderDefaults? {
        guard let name else { return hotfolders.first }
        return hotfolders.first { $0.name == name }
    }

    func product(withID id: String) -> ProductDefinition? { products.first { $0.id == id } }
}

/// What keeps the bridge small under load or abuse: open connections, idle ones, requests from clients
/// without a token (and to the proof page, which needs none), the JSON of a request, and who may read
/// /metrics.
public struct BridgeLimits: Sendable, Hashable {
    public var maxConnections: Int
    public var idleTimeout: Duration
    /// Per client address per minute, for requests without a valid token and for /proof pages.
    public var clientRequestsPerMinute: Int
    /// A JSON body, or the `job` part of a multipart job.
    public var maxJSONBytes: Int
    /// When set, /metrics needs it as a bearer token.
    public var metricsToken: String?

    public init(maxConnections: Int = 4096, idleTimeout: Duration = .seconds(60), clientRequestsPerMinute: Int = 120,
                maxJSONBytes: Int = 1 << 20, metricsToken: String? = nil) {
        self.maxConnections = maxConnections
        self.idleTimeout = idleTimeout
        self.clientRequestsPerMinute = clientRequestsPerMinute
        self.maxJSONBytes = maxJSONBytes
        self.metricsToken = metricsToken
    }
}

/// A hot folder's settings that an API job inherits.
public struct HotfolderDefaults: Sendable, Hashable {
    public var name: String
    public var product: ProductSpec
    public var approval: ApprovalPolicy
    /// Receives the events of this folder's jobs that have no callback URL of their own.
    public var callbackURL: String?

    public init(name: String, product: ProductSpec, approval: ApprovalPolicy, callbackURL: String? = nil) {
        self.name = name
        self.product = product
        self.approval = approval
        self.callbackURL = callbackURL
    }
}

/// How the bridge tells the agent what it did and asks it how it is.
public struct BridgeHooks: Sendable {
    /// A job became runnable (uploaded, approved, retried): start it now rather than at the next sweep.
    public var jobIsRunnable: @Sendable (JobID) -> Void
    /// A job was rejected or cancelled by a caller: its original must leave the claim area.
    public var jobEnded: @Sendable (JobID) -> Void
    /// Names of what is not ready, with the reason; empty when ready.
    public var unreadiness: @Sendable () async -> [String: String]
    /// Why no new artwork is taken now (the disk guard paused intake), nil when it is. Uploads are then
    /// answered 503 with Retry-After before a byte is written, as files dropped in a hot folder wait in its inbox.
    public var intakePause: @Sendable () -> String?
    /// Prometheus text exposition.
    public var metrics: @Sendable () async -> String

    public init(jobIsRunnable: @escaping @Sendable (JobID) -> Void = { _ in },
                jobEnded: @escaping @Sendable (JobID) -> Void = { _ in },
                unreadiness: @escaping @Sendable () async -> [String: String] = { [:] },
                intakePause: @escaping @Sendable () -> String? = { nil },
                metrics: @escaping @Sendable () async -> String = { "" }) {
        self.jobIsRunnable = jobIsRunnable
        self.jobEnded = jobEnded
        self.unreadiness = unreadiness
        self.intakePause = intakePause
        self.metrics = metrics
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        var text = self
        while text.hasSuffix(suffix) { text.removeLast(suffix.count) }
        return text
    }
}
