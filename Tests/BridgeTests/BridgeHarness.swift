@testable import Bridge
import Foundation
import JobStore
import Logging
import Pipeline
import ServiceLifecycle
import TestFixtures

extension CallbackHostPolicy {
    /// The test receivers listen on loopback, which callbacks refuse unless its network is listed.
    static func loopbackAllowed(hosts: [String]? = nil) -> CallbackHostPolicy {
        CallbackHostPolicy(allowedHosts: hosts, allowedNetworks: [IPNetwork("127.0.0.0/8")!])
    }
}

/// A real bridge on a loopback port over a real SQLite file, and a client for it.
final class BridgeHarness: Sendable {
    let store: SQLiteJobStore
    let directory: URL
    let port: Int
    let configuration: BridgeConfiguration
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    /// Secrets of the tokens every harness has, by name.
    static let tokens: [String: (secret: String, scopes: Set<Scope>)] = [
        "full": ("hfa_fullTestToken000000000000000000000000000", Set(Scope.allCases)),
        "reader": ("hfa_readerTestToken00000000000000000000000000", [.jobsRead]),
        "writer": ("hfa_writerTestToken00000000000000000000000000", [.jobsRead, .jobsWrite]),
    ]

    static let publicURL = "http://bridge.test"

    /// The catalogue: a card the folder "cards" takes by id, a sticker no folder takes, and the posters folder's own.
    static let businessCard = ProductDefinition(
        id: "business-card", description: "Business card", spec: ProductSpec(trim: try! TrimSize(parsing: "85x55mm"), bleed: .millimetres(3)))
    static let sticker = ProductDefinition(
        id: "sticker", spec: ProductSpec(trim: try! TrimSize(parsing: "50x50mm"), safety: .millimetres(3), shape: .circle),
        profile: "pdfx-4", approval: .required, fixups: [.trimInfer])
    static let posters = ProductDefinition(id: "posters", spec: ProductSpec(trim: try! TrimSize(parsing: "297x420mm")), approval: .required)

    static func start(requestsPerMinute: Int = 10_000, maxUploadBytes: Int64 = 5_000_000, allowedCallbackHosts: [String]? = nil,
                      hooks: BridgeHooks = BridgeHooks()) async throws -> BridgeHarness {
        let directory = try makeTemporaryDirectory("bridge")
        let store = try SQLiteJobStore(path: directory.appendingPathComponent("jobs.sqlite").path)
        for (name, token) in tokens {
            try await store.createToken(AccessToken(name: name, sha256: AccessToken.hash(of: token.secret), scopes: token.scopes, createdAt: Date()))
        }
        let configuration = BridgeConfiguration(
            host: "127.0.0.1", port: 0, publicURL: publicURL, jobsDirectory: directory.appendingPathComponent("jobs").path,
            maxUploadBytes: maxUploadBytes, requestsPerMinute: requestsPerMinute, proofLinkKey: Data(repeating: 7, count: 32),
            hotfolders: [
                HotfolderDefaults(name: "cards", product: Self.businessCard.spec, approval: .auto),
                HotfolderDefaults(name: "posters", product: Self.posters.spec, approval: .required),
            ], products: [Self.businessCard, Self.sticker, Self.posters], version: "test", callbackHosts: .loopbackAllowed(hosts: allowedCallbackHosts))
        var logger = Logger(label: "bridge-test")
        logger.logLevel = .warning
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let service = try BridgeServer(configuration: configuration, store: store, hooks: hooks, logger: logger)
            .makeService { continuation.yield($0); continuation.finish() }
        let group = ServiceGroup(services: [service], logger: logger)
        let task = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw HarnessError.didNotStart }
        return BridgeHarness(store: store, directory: directory, port: port, configuration: configuration, group: group, task: task)
    }

    private init(store: SQLiteJobStore, directory: URL, port: Int, configuration: BridgeConfiguration, group: ServiceGroup,
                 task: Task<Void, any Error>) {
        self.store = store
        self.directory = directory
        self.port = port
        self.configuration = configuration
        self.group = group
        self.task = task
    }

    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
        try? FileManager.default.removeItem(at: directory)
    }

    enum HarnessError: Error { case didNotStart, unexpectedAnswer(String) }

    typealias Reply = HTTPReply

    /// One request; `token` names a harness token (or is a raw secret), nil for none.
    func send(_ method: String, _ path: String, token: String? = "full", json: Any? = nil, body: Data? = nil,
              contentType: String? = nil, headers: [String: String] = [:]) async throws -> Reply {
        try await sendHTTP(method, port: port, path, bearer: token.map { Self.tokens[$0]?.secret ?? $0 }, json: json, body: body,
                           contentType: contentType, headers: headers)
    }

    /// Subscribes `url` to every job event through the API; the subscription's id and its secret.
    func createWebhook(_ url: String) async throws -> (id: String, secret: String) {
        let created = try await send("POST", "/api/v1/webhooks", json: ["url": url, "events": ["job.*"]])
        guard let id = created.json["id"] as? String, let secret = created.json["secret"] as? String else {
            throw HarnessError.unexpectedAnswer(created.text)
        }
        return (id, secret)
    }

    /// Creates a job through the API and returns its id.
    func createJob(_ json: [String: Any] = ["externalId": "ORD-1"]) async throws -> String {
        let reply = try await send("POST", "/api/v1/jobs", json: json)
        guard reply.status == 201, let id = reply.json["id"] as? String else {
            throw HarnessReplyError(reply: reply.text)
        }
        return id
    }

    struct HarnessReplyError: Error { var reply: String }
}
