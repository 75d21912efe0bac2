@testable import Bridge
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import Pipeline
import ServiceLifecycle
import TestFixtures

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

    static func start(requestsPerMinute: Int = 10_000, maxUploadBytes: Int64 = 5_000_000,
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
                HotfolderDefaults(name: "cards", product: ProductSpec(trim: try TrimSize(parsing: "85x55mm"), bleed: .millimetres(3)), approval: .auto),
                HotfolderDefaults(name: "posters", product: ProductSpec(trim: try TrimSize(parsing: "297x420mm")), approval: .required),
            ], version: "test")
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

    enum HarnessError: Error { case didNotStart }

    struct Reply: Sendable {
        var status: Int
        var headers: [String: String]
        var body: Data

        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        var error: [String: Any] { json["error"] as? [String: Any] ?? [:] }
        var errorCode: String? { error["code"] as? String }
        var text: String { String(decoding: body, as: UTF8.self) }
        func header(_ name: String) -> String? { headers.first { $0.key.lowercased() == name.lowercased() }?.value }
    }

    /// One request; `token` names a harness token, or nil for none.
    func send(_ method: String, _ path: String, token: String? = "full", json: Any? = nil, body: Data? = nil,
              contentType: String? = nil, headers: [String: String] = [:]) async throws -> Reply {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        if let token { request.setValue("Bearer " + (Self.tokens[token]?.secret ?? token), forHTTPHeaderField: "Authorization") }
        if let json {
            request.httpBody = try JSONSerialization.data(withJSONObject: json)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        if let body { request.httpBody = body }
        if let contentType { request.setValue(contentType, forHTTPHeaderField: "Content-Type") }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        request.timeoutInterval = 120
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        var fields: [String: String] = [:]
        for (key, value) in http.allHeaderFields { fields["\(key)"] = "\(value)" }
        return Reply(status: http.statusCode, headers: fields, body: data)
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
