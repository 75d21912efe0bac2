@testable import Bridge
import Foundation
@testable import JobStore
import Testing

@Suite(.serialized) struct BridgeAuthTests {
    @Test func everyAPIRequestNeedsAKnownToken() async throws {
        let bridge = try await BridgeHarness.start()
        defer { Task { await bridge.stop() } }
        let missing = try await bridge.send("GET", "/api/v1/jobs", token: nil)
        #expect(missing.status == 401 && missing.errorCode == "unauthenticated")
        #expect(missing.header("WWW-Authenticate")?.hasPrefix("Bearer") == true)
        let unknown = try await bridge.send("GET", "/api/v1/jobs", token: "hfa_notAToken")
        #expect(unknown.status == 401 && unknown.errorCode == "unauthenticated")
        let known = try await bridge.send("GET", "/api/v1/jobs")
        #expect(known.status == 200)
    }

    @Test func aTokenWithoutTheScopeIsForbidden() async throws {
        let bridge = try await BridgeHarness.start()
        defer { Task { await bridge.stop() } }
        let create = try await bridge.send("POST", "/api/v1/jobs", token: "reader", json: ["externalId": "X"])
        #expect(create.status == 403 && create.errorCode == "forbidden")
        #expect((create.error["message"] as? String)?.contains("jobs:write") == true)
        let id = try await bridge.createJob()
        let approve = try await bridge.send("POST", "/api/v1/jobs/\(id)/approve", token: "writer")
        #expect(approve.status == 403)
        let read = try await bridge.send("GET", "/api/v1/jobs/\(id)", token: "reader")
        #expect(read.status == 200)
    }

    @Test func revokedTokensStopWorking() async throws {
        let bridge = try await BridgeHarness.start()
        defer { Task { await bridge.stop() } }
        #expect(try await bridge.send("GET", "/api/v1/jobs", token: "reader").status == 200)
        try await bridge.store.revokeToken(named: "reader")
        #expect(try await bridge.send("GET", "/api/v1/jobs", token: "reader").status == 401)
    }

    @Test func everyResponseCarriesARequestIdThatErrorsRepeat() async throws {
        let bridge = try await BridgeHarness.start()
        defer { Task { await bridge.stop() } }
        let health = try await bridge.send("GET", "/healthz", token: nil)
        #expect(health.header("X-Request-Id")?.hasPrefix("req_") == true)
        let missing = try await bridge.send("GET", "/api/v1/jobs/job_01ARZ3NDEKTSV4RRFFQ69G5FAV")
        #expect(missing.status == 404 && missing.errorCode == "not_found")
        #expect(missing.error["requestId"] as? String == missing.header("X-Request-Id"))
        let given = try await bridge.send("GET", "/healthz", token: nil, headers: ["X-Request-Id": "erp-4711"])
        #expect(given.header("X-Request-Id") == "erp-4711")
    }

    @Test func rateLimitHeadersCountDownAndThe429SaysWhenToRetry() async throws {
        let bridge = try await BridgeHarness.start(requestsPerMinute: 3)
        defer { Task { await bridge.stop() } }
        var replies: [BridgeHarness.Reply] = []
        for _ in 0..<4 { replies.append(try await bridge.send("GET", "/api/v1/jobs")) }
        #expect(replies[0].header("X-RateLimit-Limit") == "3")
        #expect(replies.prefix(3).map { $0.header("X-RateLimit-Remaining") } == ["2", "1", "0"])
        let limited = replies[3]
        // Unless the minute turned over between requests, the fourth is refused.
        if limited.status != 200 {
            #expect(limited.status == 429 && limited.errorCode == "rate_limited")
            #expect(Int(limited.header("Retry-After") ?? "") != nil)
            #expect(limited.header("X-RateLimit-Remaining") == "0")
        }
        // Limits are per token.
        #expect(try await bridge.send("GET", "/api/v1/jobs", token: "reader").status == 200)
    }

    @Test func unknownRoutesAndMethodsAnswerInTheErrorShape() async throws {
        let bridge = try await BridgeHarness.start()
        defer { Task { await bridge.stop() } }
        let route = try await bridge.send("GET", "/api/v1/nothing-here")
        #expect(route.status == 404 && route.errorCode == "not_found")
        let outside = try await bridge.send("GET", "/nothing-here", token: nil)
        #expect(outside.status == 404 && outside.errorCode == "not_found")
    }

    @Test func theContractIsServed() async throws {
        let bridge = try await BridgeHarness.start()
        defer { Task { await bridge.stop() } }
        let document = try await bridge.send("GET", "/openapi.yaml", token: nil)
        #expect(document.status == 200)
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("openapi.yaml")
        let contract = try String(contentsOf: file, encoding: .utf8)
        #expect(document.text.trimmingCharacters(in: .newlines) == contract.trimmingCharacters(in: .newlines))
        let ready = try await bridge.send("GET", "/readyz", token: nil)
        #expect(ready.status == 200 && ready.json["status"] as? String == "ok")
    }

    @Test func secretsAreBase62WithThePrefixAndStoredOnlyAsHashes() async throws {
        let secret = AccessToken.generateSecret()
        #expect(secret.hasPrefix("hfa_"))
        #expect(secret.dropFirst(4).allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
        #expect((42...44).contains(secret.count - 4))
        #expect(AccessToken.generateSecret() != secret)
        #expect(Base62.encode([0xFF]) == "47" && Base62.encode([0, 1]) == "01")
        #expect(AccessToken.hash(of: "abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(throws: AccessTokenError.unknownScope("jobs:delete")) { try Scope.parseList("jobs:read,jobs:delete") }
    }
}
