@testable import Bridge
import Foundation
import JobStore
import Testing

@Suite(.serialized) struct EventFeedTests {
    @Test func theFeedListsEveryTransitionInOrderFromASequence() async throws {
        let bridge = try await BridgeHarness.start()
        defer { Task { await bridge.stop() } }
        let id = try await bridge.createJob(["externalId": "ORD-F", "product": ["finishing": ["matt-laminate"]]])
        _ = try await bridge.send("POST", "/api/v1/jobs/\(id)/cancel")
        let all = try await bridge.send("GET", "/api/v1/events?after=0")
        let events = try #require(all.json["events"] as? [[String: Any]])
        #expect(events.map { $0["type"] as? String } == ["job.created", "job.cancelled"])
        #expect(events.map { $0["sequence"] as? Int } == [1, 2])
        // Ids are evt_ and a ULID, unique across stores; the sequence is the cursor.
        let ids = events.compactMap { $0["id"] as? String }
        #expect(ids.count == 2 && Set(ids).count == 2 && ids.allSatisfy { $0.hasPrefix("evt_") && $0.count == 30 })
        let data = try #require(events.last?["data"] as? [String: Any])
        #expect(data["jobId"] as? String == id && data["externalId"] as? String == "ORD-F")
        #expect(data["status"] as? String == "cancelled" && data["previousStatus"] as? String == "awaiting_file")
        #expect((data["product"] as? [String: Any])?["finishing"] as? [String] == ["matt-laminate"])
        #expect(all.json["lastSequence"] as? Int == 2)
        let after = try await bridge.send("GET", "/api/v1/events?after=1")
        #expect((after.json["events"] as? [[String: Any]])?.count == 1)
        #expect(try await bridge.send("GET", "/api/v1/events?wait=61").status == 422)
    }

    @Test func aWaitingRequestAnswersWhenAnEventArrives() async throws {
        let bridge = try await BridgeHarness.start()
        defer { Task { await bridge.stop() } }
        async let waiting = bridge.send("GET", "/api/v1/events?after=0&wait=60")
        try await Task.sleep(for: .milliseconds(300))
        let id = try await bridge.createJob(["externalId": "ORD-W"])
        let reply = try await waiting
        let events = try #require(reply.json["events"] as? [[String: Any]])
        #expect(events.count == 1 && (events[0]["data"] as? [String: Any])?["jobId"] as? String == id)
    }

    @Test func aWaitWithoutEventsEndsEmptyWithTheSameSequence() async throws {
        let bridge = try await BridgeHarness.start()
        defer { Task { await bridge.stop() } }
        _ = try await bridge.createJob()
        let reply = try await bridge.send("GET", "/api/v1/events?after=1&wait=1")
        #expect(reply.status == 200 && (reply.json["events"] as? [[String: Any]])?.isEmpty == true)
        #expect(reply.json["lastSequence"] as? Int == 1)
    }
}
