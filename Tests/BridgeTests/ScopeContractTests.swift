@testable import Bridge
import Foundation
import HTTPTypes
import JobStore
import OpenAPIRuntime
import Testing
import Yams

/// The scope table and openapi.yaml say the same, for every operation, and an operation in neither is refused.
@Suite struct ScopeContractTests {
    static var specification: [String: Any] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../openapi.yaml")
        let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        return ((try? Yams.load(yaml: text)) as? [String: Any]) ?? [:]
    }

    /// Every operation: (path, method, operationId, the scopes of its security requirement or nil for `security: []`).
    static var operations: [(path: String, method: String, id: String, scopes: [String]?)] {
        let paths = specification["paths"] as? [String: [String: Any]] ?? [:]
        var found: [(String, String, String, [String]?)] = []
        for (path, item) in paths {
            for method in ["get", "put", "post", "patch", "delete"] {
                guard let operation = item[method] as? [String: Any], let id = operation["operationId"] as? String else { continue }
                let security = operation["security"] as? [[String: [String]]]
                found.append((path, method, id, security.map { $0.flatMap { $0["bearer"] ?? [] } }))
            }
        }
        return found
    }

    @Test func everyAPIOperationStatesTheScopeTheBridgeChecks() {
        let operations = Self.operations
        #expect(operations.count >= 25)
        for operation in operations where operation.path.hasPrefix("/api/") {
            let checked = ScopeMiddleware.requiredScopes[operation.id]
            #expect(checked != nil, "\(operation.id) has no scope in ScopeMiddleware")
            #expect(operation.scopes == checked.map { [$0.rawValue] }, "\(operation.id): openapi.yaml says \(operation.scopes ?? []), the bridge checks \(checked?.rawValue ?? "nothing")")
        }
        for operation in operations where !operation.path.hasPrefix("/api/") {
            #expect(operation.scopes == [], "\(operation.id) outside /api must say security: []")
        }
        let specified = Set(operations.map(\.id))
        for id in ScopeMiddleware.requiredScopes.keys { #expect(specified.contains(id), "\(id) is in the scope table but not in openapi.yaml") }
        let served = Set(operations.filter { !$0.path.hasPrefix("/api/") && !$0.path.hasPrefix("/proof") }.map(\.id))
        #expect(served == ScopeMiddleware.publicOperations)
    }

    @Test func anOperationWithoutAScopeIsRefused() async throws {
        let middleware = ScopeMiddleware()
        let request = HTTPRequest(method: .get, scheme: "http", authority: "bridge.test", path: "/api/v1/secret")
        let token = AccessToken(name: "full", sha256: "x", scopes: Set(Scope.allCases), createdAt: Date())
        await #expect(throws: APIError.self) {
            _ = try await RequestScope.$caller.withValue(token) {
                try await middleware.intercept(request, body: nil, metadata: .init(), operationID: "somethingNew") { _, _, _ in
                    (HTTPResponse(status: .ok), nil)
                }
            }
        }
        let passed = try await RequestScope.$caller.withValue(token) {
            try await middleware.intercept(request, body: nil, metadata: .init(), operationID: "getJob") { _, _, _ in (HTTPResponse(status: .ok), nil) }
        }
        #expect(passed.0.status == .ok)
    }
}
