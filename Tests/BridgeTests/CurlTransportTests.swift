import Bridge
import TestFixtures
import Foundation
import Testing

@Suite(.serialized) struct CurlTransportTests {
    @Test func postsTheBodyAndHeadersAndReadsTheAnswer() async throws {
        let receiver = try await LoopbackReceiver.start()
        defer { Task { await receiver.stop() } }
        receiver.answerNext(.init(status: .accepted, headers: [.retryAfter: "7"]))
        let response = try await CurlTransport().post(.init(
            url: receiver.url, headers: [("Content-Type", "application/json"), ("webhook-id", "evt_1")], body: Data(#"{"a":1}"#.utf8)))
        #expect(response.status == 202 && response.headers["retry-after"] == "7")
        #expect(String(decoding: response.body, as: UTF8.self) == "answer 202")
        let received = try #require(receiver.received.first)
        #expect(received.path == "/hook" && received.body == Data(#"{"a":1}"#.utf8))
        #expect(received.headers["webhook-id"] == "evt_1" && received.headers["content-type"] == "application/json")
        #expect(received.headers["user-agent"] == "hotfolder-agent")
    }

    @Test func redirectsAreNotFollowed() async throws {
        let receiver = try await LoopbackReceiver.start()
        defer { Task { await receiver.stop() } }
        receiver.answerNext(.init(status: .movedPermanently, headers: [.location: receiver.url + "/elsewhere"]))
        let response = try await CurlTransport().post(.init(url: receiver.url, headers: [], body: Data("x".utf8)))
        #expect(response.status == 301 && receiver.received.count == 1)
    }

    @Test func aSlowEndpointTimesOutAndAClosedOneIsUnreachable() async throws {
        let receiver = try await LoopbackReceiver.start()
        let port = receiver.port
        receiver.answerNext(.init(delay: .seconds(3)))
        let transport = CurlTransport(connectTimeout: .seconds(1), totalTimeout: .seconds(1))
        await #expect(throws: CurlTransport.Failure.self) {
            _ = try await transport.post(.init(url: receiver.url, headers: [], body: Data()))
        }
        await receiver.stop()
        do {
            _ = try await transport.post(.init(url: "http://127.0.0.1:\(port)/hook", headers: [], body: Data()))
            Issue.record("a closed port answered")
        } catch {
            guard case .unreachable = error else { Issue.record("\(error)"); return }
        }
        await #expect(throws: CurlTransport.Failure.self) {
            _ = try await transport.post(.init(url: "ftp://127.0.0.1/x", headers: [], body: Data()))
        }
    }
}
