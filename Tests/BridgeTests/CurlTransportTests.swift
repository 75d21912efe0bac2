@testable import Bridge
import JobStore
import TestFixtures
import Foundation
import Testing

@Suite(.serialized) struct CurlTransportTests {
    @Test func postsTheBodyAndHeadersAndReadsTheAnswer() async throws {
        let receiver = try await LoopbackReceiver.start()
        defer { Task { await receiver.stop() } }
        receiver.answerNext(.init(status: .accepted, headers: [.retryAfter: "7"]))
        let response = try await CurlTransport(policy: .loopbackAllowed()).post(.init(
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
        let response = try await CurlTransport(policy: .loopbackAllowed()).post(.init(url: receiver.url, headers: [], body: Data("x".utf8)))
        #expect(response.status == 301 && receiver.received.count == 1)
    }

    @Test func aSlowEndpointTimesOutAndAClosedOneIsUnreachable() async throws {
        let receiver = try await LoopbackReceiver.start()
        let port = receiver.port
        receiver.answerNext(.init(delay: .seconds(3)))
        let transport = CurlTransport(policy: .loopbackAllowed(), connectTimeout: .seconds(1), totalTimeout: .seconds(1))
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

/// Where callbacks may go: judged on the address, in every spelling, at the moment of connecting.
@Suite struct OutboundPolicyTests {
    let policy = CallbackHostPolicy()

    @Test func loopbackLinkLocalAndPrivateAddressesAreRefusedInEverySpelling() {
        for url in ["http://127.0.0.1/hook", "http://2130706433/hook", "http://0x7f.1/hook", "http://0177.0.0.1/hook",
                    "http://[::1]/hook", "http://[::ffff:127.0.0.1]/hook", "http://[::ffff:7f00:1]/hook", "http://169.254.169.254/latest",
                    "http://0.0.0.0/", "http://224.0.0.1/", "http://255.255.255.255/", "http://10.1.2.3/", "http://172.20.0.1/",
                    "http://192.168.1.10/", "http://100.64.0.1/", "http://[fd00::1]/", "http://[fe80::1]/", "http://localhost:8080/",
                    "http://erp.localhost/"] {
            #expect(policy.refusal(for: url) != nil, "\(url)")
        }
        #expect(policy.refusal(for: "http://169.254.169.254/")?.contains("link-local") == true)
        #expect(policy.refusal(for: "https://erp.example.com/hooks") == nil)
        #expect(policy.refusal(for: "https://93.184.215.14/hooks") == nil)
        #expect(policy.refusal(for: "ftp://erp.example.com/") != nil)
    }

    @Test func aListedNetworkIsAllowedAndNothingElse() throws {
        let lan = CallbackHostPolicy(allowedNetworks: [try #require(IPNetwork("192.168.10.0/24")), try #require(IPNetwork("fd00:1::/32"))])
        #expect(lan.refusal(for: "http://192.168.10.20:8080/erp") == nil)
        #expect(lan.refusal(for: "http://[::ffff:192.168.10.20]/erp") == nil)
        #expect(lan.refusal(for: "http://[fd00:1::5]/erp") == nil)
        #expect(lan.refusal(for: "http://192.168.11.20/erp") != nil)
        #expect(lan.refusal(for: "http://127.0.0.1/") != nil)
        #expect(IPNetwork("10.0.0.0/33") == nil && IPNetwork("erp.example.com") == nil && IPNetwork("10.0.0/8") == nil)
    }

    @Test func aNameThatResolvesToLoopbackIsRefusedWhenConnecting() async throws {
        let receiver = try await LoopbackReceiver.start()
        defer { Task { await receiver.stop() } }
        // The name passes the check on the URL; its address is refused at connect time, and nothing arrives.
        let transport = CurlTransport(pinnedResolutions: ["erp.rebind.example:\(receiver.port):127.0.0.1"])
        #expect(CallbackHostPolicy().refusal(for: "http://erp.rebind.example:\(receiver.port)/hook") == nil)
        do {
            _ = try await transport.post(.init(url: "http://erp.rebind.example:\(receiver.port)/hook", headers: [], body: Data("x".utf8)))
            Issue.record("the loopback address was reached")
        } catch {
            guard case .forbiddenAddress(let reason) = error else { Issue.record("\(error)"); return }
            #expect(reason.contains("127.0.0.1 is a loopback address"))
        }
        #expect(receiver.received.isEmpty)
        // Listed, the same name is delivered to.
        let allowed = CurlTransport(policy: .loopbackAllowed(), pinnedResolutions: ["erp.rebind.example:\(receiver.port):127.0.0.1"])
        let response = try await allowed.post(.init(url: "http://erp.rebind.example:\(receiver.port)/hook", headers: [], body: Data("x".utf8)))
        #expect(response.status == 200 && receiver.received.count == 1)
    }
}
