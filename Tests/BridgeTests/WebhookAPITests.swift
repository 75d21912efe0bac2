@testable import Bridge
import Foundation
import JobStore
import TestFixtures
import Testing

@Suite(.serialized) struct WebhookAPITests {
    @Test func subscriptionsAreManagedWithTheirOwnScopeAndShowTheSecretOnce() async throws {
        let bridge = try await BridgeHarness.start()
        defer { Task { await bridge.stop() } }
        let body: [String: Any] = ["url": "https://erp.example/hooks", "events": ["job.print_ready", "job.failed"], "description": "ERP"]
        #expect(try await bridge.send("POST", "/api/v1/webhooks", token: "writer", json: body).status == 403)
        let created = try await bridge.send("POST", "/api/v1/webhooks", json: body)
        #expect(created.status == 201)
        let id = try #require(created.json["id"] as? String)
        #expect(id.hasPrefix("wh_") && (created.json["secret"] as? String)?.hasPrefix("whsec_") == true)
        let listed = try await bridge.send("GET", "/api/v1/webhooks")
        let first = try #require((listed.json["webhooks"] as? [[String: Any]])?.first)
        #expect(first["id"] as? String == id && first["secret"] == nil && first["events"] as? [String] == ["job.print_ready", "job.failed"])
        #expect(try await bridge.send("GET", "/api/v1/webhooks/\(id)").json["url"] as? String == "https://erp.example/hooks")
        let badEvent = try await bridge.send("POST", "/api/v1/webhooks", json: ["url": "https://x.example", "events": ["job.exploded"]])
        #expect(badEvent.status == 422 && badEvent.error["field"] as? String == "events")
        let badURL = try await bridge.send("POST", "/api/v1/webhooks", json: ["url": "file:///etc/passwd", "events": ["job.*"]])
        #expect(badURL.status == 422 && badURL.error["field"] as? String == "url")
        #expect(try await bridge.send("DELETE", "/api/v1/webhooks/\(id)").status == 204)
        #expect(try await bridge.send("GET", "/api/v1/webhooks/\(id)").status == 404)
        #expect(try await bridge.send("DELETE", "/api/v1/webhooks/\(id)").status == 404)
    }

    /// No field is nullable: a `null` is refused with its field named, not read as "left out".
    @Test func aNullIsRefusedNamingItsField() async throws {
        let bridge = try await BridgeHarness.start()
        defer { Task { await bridge.stop() } }
        let created = try await bridge.send("POST", "/api/v1/webhooks", json: ["url": "https://erp.example/hooks", "events": ["job.*"]])
        let id = try #require(created.json["id"] as? String)
        let patched = try await bridge.send("PATCH", "/api/v1/webhooks/\(id)", json: ["events": NSNull(), "enabled": false])
        #expect(patched.status == 422 && patched.error["field"] as? String == "events")
        #expect(try await bridge.send("GET", "/api/v1/webhooks/\(id)").json["disabledAt"] == nil)
        let job = try await bridge.send("POST", "/api/v1/jobs", token: "writer", json: ["externalId": "ORD-1", "product": ["trim": NSNull()]])
        #expect(job.status == 422 && job.error["field"] as? String == "product.trim")
        let listed = try await bridge.send("POST", "/api/v1/webhooks", json: ["url": "https://erp.example/hooks", "events": ["job.*", NSNull()]])
        #expect(listed.status == 422 && listed.error["field"] as? String == "events[1]")
    }

    @Test func aTestEventReachesTheEndpointSigned() async throws {
        let receiver = try await LoopbackReceiver.start()
        defer { Task { await receiver.stop() } }
        let bridge = try await BridgeHarness.start()
        defer { Task { await bridge.stop() } }
        let (id, secret) = try await bridge.createWebhook(receiver.url)
        let result = try await bridge.send("POST", "/api/v1/webhooks/\(id)/test")
        #expect(result.status == 200 && result.json["delivered"] as? Bool == true && result.json["httpStatus"] as? Int == 200)
        let request = try #require(receiver.received.first)
        let eventId = try #require(request.headers["webhook-id"])
        #expect(eventId.hasPrefix("evt_test_"))
        #expect(request.headers["webhook-signature"] == (try WebhookSignature(secret: secret))
            .signature(id: eventId, timestamp: Int64(request.headers["webhook-timestamp"] ?? "") ?? 0, body: request.body))
        let body = try #require(try JSONSerialization.jsonObject(with: request.body) as? [String: Any])
        #expect(body["type"] as? String == "webhook.test" && (body["data"] as? [String: Any])?["webhookId"] as? String == id)
        receiver.answerNext(.init(status: .internalServerError))
        let failed = try await bridge.send("POST", "/api/v1/webhooks/\(id)/test")
        #expect(failed.json["delivered"] as? Bool == false && failed.json["httpStatus"] as? Int == 500)
    }

    @Test func allowedHostsKeepCallbacksOutOfTheShopNetwork() async throws {
        let policy = CallbackHostPolicy(allowedHosts: ["erp.example.com", "*.hooks.example.net"])
        #expect(policy.permits("https://erp.example.com/in") && policy.permits("http://a.hooks.example.net/x"))
        #expect(!policy.permits("http://192.168.1.10/admin") && !policy.permits("https://example.com") && !policy.permits("ftp://erp.example.com"))
        #expect(CallbackHostPolicy().permits("http://anything.example") && !CallbackHostPolicy().permits("gopher://x"))
        let bridge = try await BridgeHarness.start(allowedCallbackHosts: ["erp.example.com"])
        defer { Task { await bridge.stop() } }
        let job = try await bridge.send("POST", "/api/v1/jobs", json: ["callbackUrl": "http://10.0.0.5/hook"])
        #expect(job.status == 422 && job.error["field"] as? String == "callbackUrl")
        let webhook = try await bridge.send("POST", "/api/v1/webhooks", json: ["url": "http://10.0.0.5/hook", "events": ["job.*"]])
        #expect(webhook.status == 422 && (webhook.error["message"] as? String)?.contains("allowed_hosts") == true)
        #expect(try await bridge.send("POST", "/api/v1/jobs", json: ["callbackUrl": "https://erp.example.com/hook"]).status == 201)
    }

    @Test func theDeliveryLogShowsEveryAttemptAndADeadDeliveryCanBeSentAgain() async throws {
        let bridge = try await BridgeHarness.start()
        defer { Task { await bridge.stop() } }
        let created = try await bridge.send("POST", "/api/v1/webhooks", json: ["url": "https://erp.example/hooks", "events": ["job.*"]])
        let id = try #require(created.json["id"] as? String)
        let jobText = try await bridge.createJob()
        let job = try #require(JobID(jobText))
        try await bridge.store.plan([PlannedDelivery(endpoint: "https://erp.example/hooks", subscription: id, eventSequence: 1,
                                                     eventId: "evt_1", jobId: job, body: Data("{}".utf8))], through: 1)
        let delivery = try #require(try await bridge.store.deliveries(ofWebhook: id, limit: 10).first)
        #expect(try await bridge.send("POST", "/api/v1/webhooks/\(id)/deliveries/\(delivery.id)/redeliver").status == 409)
        for (number, status) in [(1, 503), (2, 500)] {
            try await bridge.store.record(DeliveryAttempt(deliveryId: delivery.id, number: number, at: Date(), httpStatus: status, durationMs: 12,
                                                          error: "HTTP \(status)"),
                                          outcome: number == 2 ? .dead : .retry(at: Date()), error: "HTTP \(status)")
        }
        let log = try await bridge.send("GET", "/api/v1/webhooks/\(id)/deliveries")
        let entry = try #require((log.json["deliveries"] as? [[String: Any]])?.first)
        #expect(entry["status"] as? String == "dead" && entry["eventId"] as? String == "evt_1")
        #expect((entry["attempts"] as? [[String: Any]])?.compactMap { $0["httpStatus"] as? Int } == [503, 500])
        let again = try await bridge.send("POST", "/api/v1/webhooks/\(id)/deliveries/\(delivery.id)/redeliver")
        #expect(again.status == 202 && again.json["status"] as? String == "pending")
        #expect(try await bridge.send("POST", "/api/v1/webhooks/\(id)/deliveries/999/redeliver").status == 404)
    }
}
