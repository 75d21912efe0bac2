import Foundation
import Hummingbird
import JobStore
import Logging
import OpenAPIHummingbird
import OpenAPIRuntime
import ServiceLifecycle

/// The bridge: Hummingbird serving the generated API, the proof page and the service endpoints. It is a
/// Service, run in the agent's ServiceGroup, so it starts and stops with the agent.
public struct BridgeServer: Sendable {
    let configuration: BridgeConfiguration
    let store: any BridgeStore
    let hooks: BridgeHooks
    let logger: Logger

    public init(configuration: BridgeConfiguration, store: any BridgeStore, hooks: BridgeHooks, logger: Logger) {
        self.configuration = configuration
        self.store = store
        self.hooks = hooks
        self.logger = logger
    }

    /// The application to add to a ServiceGroup. `onListening` gets the bound port (useful with port 0).
    public func makeService(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) throws -> any Service {
        let router = try makeRouter()
        var bridgeLogger = logger
        bridgeLogger[metadataKey: "component"] = "bridge"
        let serverLogger = bridgeLogger
        let cap = ConnectionCap(limit: configuration.limits.maxConnections)
        return Application(
            router: router,
            server: .http1(configuration: .init(additionalChannelHandlers: [cap.handler()],
                                                idleTimeout: .seconds(max(1, configuration.limits.idleTimeout.components.seconds)))),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "hotfolder-agent"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? configuration.port
                serverLogger.info("bridge listening", metadata: ["address": "\(configuration.host):\(port)",
                                                                 "public_url": "\(configuration.publicURL)"])
                await onListening(port)
            },
            logger: serverLogger)
    }

    func makeRouter() throws -> Router<BridgeRequestContext> {
        let router = Router(context: BridgeRequestContext.self)
        let clientLimiter = RateLimiter(requestsPerMinute: configuration.limits.clientRequestsPerMinute)
        router.add(middleware: RequestLoggingMiddleware())
        router.add(middleware: ClientRateLimitMiddleware(limiter: clientLimiter))
        router.add(middleware: MetricsTokenMiddleware(token: configuration.limits.metricsToken))
        router.add(middleware: AuthenticationMiddleware(tokens: store, limiter: RateLimiter(requestsPerMinute: configuration.requestsPerMinute),
                                                        clientLimiter: clientLimiter, maxJSONBodyBytes: configuration.limits.maxJSONBytes))
        router.add(middleware: ETagMiddleware())
        router.add(middleware: JobViewResponseCache(store: store))
        router.get("/openapi.yaml") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: openAPIDocument)))
        }
        router.get("/") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: "hotfolder-agent bridge \(configuration.version). API under /api/v1, contract at /openapi.yaml.\n")))
        }
        ProofPageRoutes(configuration: configuration, store: store, hooks: hooks, logger: logger).register(on: router)
        let api = BridgeAPI(configuration: configuration, store: store, hooks: hooks, logger: logger)
        // Fractional seconds: events made within one second keep their order in createdAt filters. Sorted keys:
        // the same answer is the same bytes, so its ETag holds (Foundation's key order varies per encode).
        let coding = Configuration(dateTranscoder: FlexibleDateTranscoder(),
                                   jsonEncodingOptions: [.withoutEscapingSlashes, .sortedKeys])
        let middlewares: [any ServerMiddleware] = [ScopeMiddleware(), PlainHeaderMiddleware(), JSONNullRefusal()]
        try api.registerHandlers(on: router, serverURL: URL(string: "/")!, configuration: coding, middlewares: middlewares)
        return router
    }
}
