import Foundation
import TestFixtures
import Testing

/// The bridge as a shop's IT would probe it, against the real binary over loopback: where callbacks may
/// not go, what a store fault answers, and the limits on bodies, connections and anonymous clients.
@Suite(.serialized) struct BridgeHardeningTests {
    /// The machine's own name when it resolves to a loopback address (Debian's /etc/hosts makes it so).
    static var loopbackHostName: String? {
        let name = ProcessInfo.processInfo.hostName
        var hints = addrinfo()
        hints.ai_family = AF_INET
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(name, nil, &hints, &result) == 0, let first = result else { return nil }
        defer { freeaddrinfo(result) }
        let address = first.pointee.ai_addr.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr.s_addr }
        return UInt32(bigEndian: address) >> 24 == 127 ? name : nil
    }

    /// A running agent, an API token with jobs:read and jobs:write, and the bridge's port.
    private func startedWithToken() async throws -> (RunningAgent, String, Int) {
        let agent = try RunningAgent()
        let token = try agent.cli(["token", "create", "--name", "erp", "--scopes", "jobs:read,jobs:write"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try await agent.start()
        return (agent, token, try await agent.bridgePort())
    }

    /// Every delivery in `status` (all of them for nil), however many.
    private func deliveries(_ agent: RunningAgent, status: String?) throws -> [[String: Any]] {
        let text = try agent.cli(["callbacks", "list", "--limit", "100000", "--json"] + (status.map { ["--status", $0] } ?? []))
        return (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [[String: Any]] ?? []
    }

    @Test func callbacksIntoTheShopsOwnNetworkAreRefusedUntilItIsListed() async throws {
        let receiver = try await LoopbackReceiver.start()
        defer { Task { await receiver.stop() } }
        let agent = try RunningAgent()
        try await agent.start()
        // Tickets anyone can drop name the callback: the agent's own machine, the cloud metadata service,
        // and a name that resolves to loopback (judged on the address connected to, not the name).
        var targets = [("loopback", receiver.url), ("metadata", "http://169.254.169.254/latest/meta-data")]
        if let name = Self.loopbackHostName { targets.append(("name", "http://\(name):\(receiver.port)/hook")) }
        for (name, url) in targets {
            try agent.drop(Data(#"{"externalId": "ORD-\#(name)", "callbackUrl": "\#(url)"}"#.utf8), as: "\(name).json")
            try agent.drop(PDFFixture.businessCard(pages: 2), as: "\(name).pdf")
        }
        let jobs = try await agent.waitForTerminalJobs(targets.count)
        let jobIds = Set(jobs.compactMap { $0["id"] as? String })
        let refused = try await agent.waitUntil("every job's callbacks refused") { () -> [[String: Any]]? in
            let rows = try deliveries(agent, status: "refused")
            let pending = try deliveries(agent, status: "pending")
            return Set(rows.compactMap { $0["jobId"] as? String }) == jobIds && pending.isEmpty ? rows : nil
        }
        #expect(receiver.received.isEmpty, "nothing reached the receiver")
        let reasons = refused.compactMap { $0["lastError"] as? String }
        #expect(reasons.contains { $0.contains("127.0.0.1 is a loopback address") })
        #expect(reasons.contains { $0.contains("169.254.169.254 is a link-local address") })
        #expect(try deliveries(agent, status: "delivered").isEmpty)
        agent.stop()

        // The admin lists loopback (as a shop lists its LAN) and sends the refused ones again.
        try agent.writeConfig(folders: ["cards"], topLevel: "callbacks:\n  allowed_networks: [127.0.0.0/8]")
        try await agent.start()
        defer { agent.stop() }
        // All refused ones at once: the listed network's go out, the metadata service's are refused again.
        // (Events the planner had not reached before the stop are planned now, under the new list, and go
        // out without a redelivery: the count is at least the refusals seen above.)
        let answer = try agent.cli(["callbacks", "redeliver", "--status", "refused"])
        let queued = Int(answer.split(separator: " ").first ?? "") ?? 0
        #expect(answer.contains("refused deliveries queued") && queued >= refused.count, "\(answer)")
        let isMetadata = { (row: [String: Any]) in (row["endpoint"] as? String)?.contains("169.254") == true }
        let settled = try await agent.waitUntil("every listed delivery delivered, the metadata service's refused again") { () -> [[String: Any]]? in
            let all = try deliveries(agent, status: nil)
            let done = !all.isEmpty && all.allSatisfy { row in (row["status"] as? String) == (isMetadata(row) ? "refused" : "delivered") }
            return done ? all : nil
        }
        let delivered = settled.filter { !isMetadata($0) }
        #expect(delivered.count >= refused.filter { !isMetadata($0) }.count)
        #expect(receiver.received.count == delivered.count, "each delivered once")
        #expect(Set(receiver.received.compactMap { $0.headers["webhook-id"] }) == Set(delivered.compactMap { $0["eventId"] as? String }))
    }

    @Test func aStoreFaultIsA500WithItsCauseInTheLogNotTheBody() async throws {
        let (agent, token, port) = try await startedWithToken()
        defer { agent.stop() }
        let created = try await sendHTTP("POST", port: port, "/api/v1/jobs", bearer: token, json: ["externalId": "ORD-S"])
        let id = try #require(created.json["id"] as? String)
        // The table of job histories goes missing under the running agent, as a damaged store would lose it.
        let store = agent.directory.appendingPathComponent("state/jobs.sqlite").path
        let python = "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('ALTER TABLE job_event RENAME TO job_event_lost'); c.commit()"
        #expect(try runProgram("python3", ["-c", python, store]).status == 0)
        let reply = try await sendHTTP("GET", port: port, "/api/v1/jobs/\(id)/events", bearer: token)
        #expect(reply.status == 500, "\(reply.status) \(reply.text)")
        #expect(reply.errorCode == "internal_error")
        let requestId = try #require(reply.error["requestId"] as? String)
        for leak in ["job_event", "SQL", "sqlite", "/tmp/", "no such table"] {
            #expect(!reply.text.contains(leak), "the body names \(leak): \(reply.text)")
        }
        // The log has the cause, under the request's id.
        _ = try await agent.waitUntil("the cause in the log") { () -> Bool? in
            agent.log.split(separator: "\n").contains { $0.contains("request failed") && $0.contains(requestId) && $0.contains("job_event") }
                ? true : nil
        }
        // A client's mistake stays a 4xx.
        #expect(try await sendHTTP("GET", port: port, "/api/v1/jobs/job_nope", bearer: token).status == 404)
    }

    @Test func aHugeJSONPartIsRefusedBeforeItIsBufferedAndMemoryStaysFlat() async throws {
        let (agent, token, port) = try await startedWithToken()
        defer { agent.stop() }
        // Warm up the paths a request takes, so what follows measures the body only.
        _ = try await sendHTTP("POST", port: port, "/api/v1/jobs", bearer: token, json: ["externalId": "ORD-W"])
        let before = try #require(agent.residentKiB)
        for megabytes in [10, 64] {
            let boundary = "hfa-hardening"
            let head = "--\(boundary)\r\nContent-Disposition: form-data; name=\"job\"\r\nContent-Type: application/json\r\n\r\n{\"externalId\":\""
            let tail = "\"}\r\n--\(boundary)--\r\n"
            let length = head.utf8.count + megabytes << 20 + tail.utf8.count
            let connection = try RawHTTPConnection(port: port)
            let request = "POST /api/v1/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\n"
                + "Content-Type: multipart/form-data; boundary=\(boundary)\r\nContent-Length: \(length)\r\n\r\n" + head
            connection.write(Data(request.utf8))
            let chunk = Data(repeating: UInt8(ascii: "a"), count: 1 << 20)
            let writer = Thread {
                for _ in 0..<megabytes where connection.write(chunk) {}
                connection.write(Data(tail.utf8))
            }
            writer.start()
            let answer = String(decoding: connection.readAnswer { String(decoding: $0, as: UTF8.self).contains("}}") }, as: UTF8.self)
            #expect(answer.hasPrefix("HTTP/1.1 413"), "\(megabytes) MiB: \(answer.prefix(300))")
            #expect(answer.contains("payload_too_large"))
        }
        let after = try #require(agent.residentKiB)
        #expect(after - before < 24 * 1024, "the agent grew by \((after - before) / 1024) MiB for 74 MiB of refused JSON")
        // And it still serves.
        #expect(try await sendHTTP("GET", port: port, "/healthz").status == 200)
    }

    @Test func connectionsAreCappedIdleOnesClosedAndAnonymousClientsLimited() async throws {
        let agent = try RunningAgent(topLevel: "bridge:\n  listen: \"127.0.0.1:0\"\n  max_connections: 4\n  idle_timeout: 2s\n  client_rate_limit: 5")
        try await agent.start()
        defer { agent.stop() }
        let port = try await agent.bridgePort()
        // Eight at once: four are held, the others closed as they open.
        let connections = try (0..<8).map { _ in try RawHTTPConnection(port: port) }
        let closedAtOnce = connections.filter { $0.isClosedByServer(within: 1) }
        #expect(closedAtOnce.count >= 4, "\(closedAtOnce.count) of 8 closed")
        // Those held and left idle are closed after idle_timeout.
        let held = connections.filter { connection in !closedAtOnce.contains { $0 === connection } }
        #expect(held.allSatisfy { $0.isClosedByServer(within: 30) })
        // Without a token, five a minute per address (windows align to the minute: twelve requests cross at
        // most one boundary, so at most ten get through); a monitor's /healthz is never counted.
        var statuses: [Int] = []
        for _ in 0..<12 { statuses.append(try await sendHTTP("GET", port: port, "/api/v1/jobs").status) }
        #expect(Set(statuses) == [401, 429] && statuses.filter { $0 == 401 }.count <= 10, "\(statuses)")
        var pages: [HTTPReply] = []
        for _ in 0..<12 { pages.append(try await sendHTTP("GET", port: port, "/proof/job_01M8TSD9MF1S5ZJSY3GZYDZKPZ?t=x")) }
        #expect(pages.contains { $0.status == 429 && $0.header("Retry-After") != nil }, "\(pages.map(\.status))")
        for _ in 0..<20 { #expect(try await sendHTTP("GET", port: port, "/healthz").status == 200) }
    }

    @Test func metricsCanRequireAToken() async throws {
        let secret = "metrics-0123456789abcdef"
        let agent = try RunningAgent(topLevel: "bridge:\n  listen: \"127.0.0.1:0\"\n  metrics_token: \"\(secret)\"")
        try await agent.start()
        defer { agent.stop() }
        let port = try await agent.bridgePort()
        #expect(try await sendHTTP("GET", port: port, "/metrics").status == 401)
        #expect(try await sendHTTP("GET", port: port, "/metrics", bearer: "wrong-token-0123456789").status == 401)
        let scraped = try await sendHTTP("GET", port: port, "/metrics", bearer: secret)
        #expect(scraped.status == 200 && scraped.text.contains("hotfolder_jobs"))
        #expect(!agent.log.contains(secret), "the token is never logged")
    }

    @Test func purgeRemovesRowsAndWorkspacesAndNothingInTheShopsFolders() async throws {
        let agent = try RunningAgent()
        try await agent.start()
        try agent.drop(PDFFixture.businessCard(pages: 2), as: "one.pdf")
        try agent.drop(PDFFixture.businessCard(pages: 2), as: "two.pdf")
        let jobs = try await agent.waitForTerminalJobs(2)
        #expect(jobs.allSatisfy { $0["status"] as? String == "print_ready" })
        agent.stop()
        let workspaces = agent.directory.appendingPathComponent("state/jobs").path
        let shopFiles = ["out", "originals"].flatMap { folder in
            (FileManager.default.enumerator(atPath: agent.folder().appendingPathComponent(folder).path)?.allObjects as? [String] ?? [])
                .map { folder + "/" + $0 }
        }.sorted()
        #expect(shopFiles.contains { $0.hasPrefix("originals/one.pdf") } && shopFiles.contains { $0.contains("print-ready/") })
        #expect(try FileManager.default.contentsOfDirectory(atPath: workspaces).count == 2)

        let dry = try agent.cli(["jobs", "purge", "--older-than", "0s", "--dry-run"])
        #expect(dry.hasPrefix("would remove 2 finished job(s)"), "\(dry)")
        #expect(try agent.jobs().count == 2 && (try FileManager.default.contentsOfDirectory(atPath: workspaces)).count == 2)
        let done = try agent.cli(["jobs", "purge", "--older-than", "0s"])
        #expect(done.hasPrefix("removed 2 finished job(s)") && done.contains("2 workspace(s)"), "\(done)")
        #expect(try agent.jobs().isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: workspaces).isEmpty)
        let after = ["out", "originals"].flatMap { folder in
            (FileManager.default.enumerator(atPath: agent.folder().appendingPathComponent(folder).path)?.allObjects as? [String] ?? [])
                .map { folder + "/" + $0 }
        }.sorted()
        #expect(after == shopFiles, "the shop's folders are untouched")
        // Recent jobs stay under a real age.
        #expect(try agent.cli(["jobs", "purge", "--older-than", "90d"]).hasPrefix("removed 0 finished job(s)"))
    }

    @Test func anUnchangedJobOrFeedPageIsA304() async throws {
        let (agent, token, port) = try await startedWithToken()
        defer { agent.stop() }
        let id = try #require(try await sendHTTP("POST", port: port, "/api/v1/jobs", bearer: token, json: ["externalId": "ORD-E"]).json["id"] as? String)
        // Plain requests: URLSession would revalidate from its own cache and hide the 304.
        func conditionalGET(_ path: String, _ tag: String) throws -> String {
            let connection = try RawHTTPConnection(port: port)
            connection.write(Data("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\nIf-None-Match: \(tag)\r\n\r\n".utf8))
            return String(decoding: connection.readAnswer { String(decoding: $0, as: UTF8.self).contains("\r\n\r\n") }, as: UTF8.self)
        }
        for path in ["/api/v1/jobs/\(id)", "/api/v1/events?after=0", "/api/v1/jobs?limit=10"] {
            let first = try await sendHTTP("GET", port: port, path, bearer: token)
            let tag = try #require(first.header("ETag"), "\(path) has no ETag")
            let again = try conditionalGET(path, tag)
            #expect(again.hasPrefix("HTTP/1.1 304") && again.lowercased().contains("etag: \(tag)"), "\(path): \(again)")
            #expect(try conditionalGET(path, "\"other\"").hasPrefix("HTTP/1.1 200"))
        }
        let before = try #require(try await sendHTTP("GET", port: port, "/api/v1/jobs/\(id)", bearer: token).header("ETag"))
        #expect(try await sendHTTP("POST", port: port, "/api/v1/jobs/\(id)/cancel", bearer: token).status == 200)
        #expect(try conditionalGET("/api/v1/jobs/\(id)", before).hasPrefix("HTTP/1.1 200"))
    }
}
