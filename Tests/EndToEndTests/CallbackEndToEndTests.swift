import Foundation
import TestFixtures
import Testing

/// The ERP's side: a real receiver that refuses at first, an agent killed in the middle, and in the end
/// every event delivered, in order, signed so that the Standard Webhooks reference library accepts it.
@Suite(.serialized) struct CallbackEndToEndTests {
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    /// `make test` installs the standardwebhooks package and sets HFA_REQUIRE_TEST_TOOLS.
    static var referenceLibrary: Bool {
        (try? runProgram("python3", ["-c", "import standardwebhooks"]).status) == 0
            || ProcessInfo.processInfo.environment["HFA_REQUIRE_TEST_TOOLS"] != nil
    }

    @Test func everyEventArrivesInOrderAndSignedAcrossAKill() async throws {
        let receiver = try await LoopbackReceiver.start()
        defer { Task { await receiver.stop() } }
        // The ERP is down until the agent has been killed: every attempt before the kill is refused.
        receiver.answerNext(.init(status: .serviceUnavailable), .init(status: .badGateway))
        receiver.answerOtherwise(.init(status: .serviceUnavailable))
        let schedule = ["0s"] + Array(repeating: "1s", count: 60)
        let agent = try RunningAgent(product: "{trim: 85x55mm, bleed: 3mm, pages: [1, 2]}",
                                     folderSettings: "callback_url: \"\(receiver.url)\"",
                                     topLevel: "callbacks:\n  secret: \"\(Self.secret)\"\n  allowed_networks: [127.0.0.0/8]\n  retry_schedule: [\(schedule.joined(separator: ", "))]")
        try await agent.start()
        try agent.drop(PDFFixture.businessCard(pages: 2), as: "card.pdf")
        let jobs = try await agent.waitForTerminalJobs(1)
        _ = try await agent.waitUntil("a refused attempt") { receiver.received.count >= 2 ? true : nil }
        agent.killHard()
        receiver.answerOtherwise(.init(status: .ok))
        try await agent.start()
        defer { agent.stop() }
        let id = try #require(jobs.first?["id"] as? String)
        let history = try JSONSerialization.jsonObject(with: Data(try agent.cli(["jobs", "show", id, "--json"]).utf8)) as? [String: Any]
        let eventCount = (history?["events"] as? [Any])?.count ?? 0
        #expect(eventCount >= 7)
        let accepted = try await agent.waitUntil("every event accepted by the receiver") { () -> [LoopbackReceiver.Received]? in
            let accepted = receiver.received.filter { $0.answeredWith == 200 }
            return Set(accepted.map { $0.headers["webhook-id"] ?? "" }).count >= eventCount ? accepted : nil
        }
        // In order: each event's first acceptance comes after the previous event's.
        var firstAccepted: [String] = []
        for request in accepted where !firstAccepted.contains(request.headers["webhook-id"] ?? "") {
            firstAccepted.append(request.headers["webhook-id"] ?? "")
        }
        // Ids are opaque (evt_ and a ULID); the body's sequence is the feed order.
        let sequenceOf = Dictionary(accepted.map { request in
            (request.headers["webhook-id"] ?? "", ((try? JSONSerialization.jsonObject(with: request.body)) as? [String: Any])?["sequence"] as? Int ?? -1)
        }, uniquingKeysWith: { first, _ in first })
        let sequences = firstAccepted.compactMap { sequenceOf[$0] }
        #expect(sequences == sequences.sorted() && sequences.count == eventCount, "\(firstAccepted)")
        // A repeat (after the kill, say) carries the same webhook-id and body.
        let byId = Dictionary(grouping: receiver.received, by: { $0.headers["webhook-id"] ?? "" })
        #expect(byId.values.allSatisfy { Set($0.map(\.body)).count == 1 })
        let types = firstAccepted.compactMap { id in
            (byId[id]?.first).flatMap { try? JSONSerialization.jsonObject(with: $0.body) as? [String: Any] }?["type"] as? String
        }
        #expect(types.first == "job.created" && types.last == "job.print_ready")

        if Self.referenceLibrary {
            let directory = try makeTemporaryDirectory("webhooks")
            for (index, request) in accepted.enumerated() {
                try request.body.write(to: directory.appendingPathComponent("\(index).body"))
                let headers = ["webhook-id", "webhook-timestamp", "webhook-signature"].reduce(into: [String: String]()) { $0[$1] = request.headers[$1] }
                try JSONSerialization.data(withJSONObject: headers).write(to: directory.appendingPathComponent("\(index).headers"))
            }
            let script = """
                import json, pathlib, sys
                from standardwebhooks.webhooks import Webhook
                hook = Webhook(sys.argv[1])
                for body in sorted(pathlib.Path(sys.argv[2]).glob("*.body")):
                    hook.verify(body.read_bytes(), json.loads(body.with_suffix(".headers").read_text()))
                print("verified")
                """
            let result = try runProgram("python3", ["-c", script, Self.secret, directory.path])
            #expect(result.status == 0 && result.output.contains("verified"), "standardwebhooks refused a delivery")
        }
    }
}

extension CallbackEndToEndTests {
    @Test func aDeadCallbackCanBeListedAndSentAgainFromTheCommandLine() async throws {
        let receiver = try await LoopbackReceiver.start()
        defer { Task { await receiver.stop() } }
        receiver.answerNext(.init(status: .internalServerError))
        let agent = try RunningAgent(product: "{trim: 85x55mm, bleed: 3mm, pages: [1, 2]}",
                                     folderSettings: "callback_url: \"\(receiver.url)\"",
                                     topLevel: "callbacks:\n  secret: \"\(Self.secret)\"\n  allowed_networks: [127.0.0.0/8]\n  retry_schedule: [0s]")
        try await agent.start()
        defer { agent.stop() }
        try agent.drop(PDFFixture.businessCard(pages: 2), as: "card.pdf")
        _ = try await agent.waitForTerminalJobs(1)
        let dead = try await agent.waitUntil("a dead delivery") { () -> [[String: Any]]? in
            let text = try agent.cli(["callbacks", "list", "--status", "dead", "--json"])
            let rows = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [[String: Any]] ?? []
            return rows.isEmpty ? nil : rows
        }
        let eventId = try #require(dead.first?["eventId"] as? String)
        #expect(dead.count == 1 && eventId.hasPrefix("evt_") && dead.first?["lastStatus"] as? Int == 500)
        let id = try #require(dead.first?["id"] as? Int)
        #expect(try agent.cli(["callbacks", "redeliver", String(id)]).contains("queued"))
        _ = try await agent.waitUntil("the redelivery accepted") { () -> Bool? in
            receiver.received.filter { $0.headers["webhook-id"] == eventId && $0.answeredWith == 200 }.isEmpty ? nil : true
        }
        let text = try agent.cli(["callbacks", "list", "--status", "dead", "--json"])
        #expect(((try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [Any])?.isEmpty == true)
    }
}
