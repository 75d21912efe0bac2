import Foundation
import TestFixtures
import Testing

/// The real binary with its bridge: an MIS creates jobs, files arrive by API or by hot folder, a person
/// approves or rejects, and the MIS follows it all through the event feed.
@Suite(.serialized) struct BridgeEndToEndTests {
    private func startAgent() async throws -> (RunningAgent, port: Int, token: String) {
        let agent = try RunningAgent(product: "{trim: 85x55mm, bleed: 3mm, pages: [1, 2]}",
                                     folderSettings: "approval: required\nfilename_pattern: '^(?<externalId>ORD-[0-9]+)_(?<side>[a-z]+)'\noutput_name: '{externalId}-{side}'")
        let token = try agent.cli(["token", "create", "--name", "mis", "--scopes", "jobs:read,jobs:write,jobs:approve"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(token.hasPrefix("hfa_"))
        try await agent.start()
        return (agent, try await agent.bridgePort(), token)
    }

    /// Polls the API (not the CLI) until the job has `status`; bounded only so a broken build cannot hang CI.
    private func waitForStatus(_ status: String, of id: String, agent: RunningAgent, port: Int, token: String,
                               sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(180)
        var job: [String: Any] = [:]
        while Date() < deadline {
            job = try await sendHTTP("GET", port: port, "/api/v1/jobs/\(id)", bearer: token).json
            if job["status"] as? String == status { return job }
            try await Task.sleep(for: .milliseconds(300))
        }
        Issue.record("job \(id) never became \(status); it is \(job["status"] ?? "?"); agent log:\n\(agent.log.suffix(3000))",
                     sourceLocation: sourceLocation)
        throw CancellationError()
    }

    @Test func aFileDroppedForAWaitingAPIJobIsProofedApprovedAndServed() async throws {
        let (agent, port, token) = try await startAgent()
        defer { agent.stop() }
        let created = try await sendHTTP("POST", port: port, "/api/v1/jobs", bearer: token,
                                         json: ["externalId": "ORD-42", "product": ["pages": 1]])
        #expect(created.status == 201)
        let id = try #require(created.json["id"] as? String)
        // The shop drops the customer's file; its name carries the order number.
        try agent.drop(PDFFixture.businessCard(pages: 1), as: "ORD-42_front.pdf")
        let waiting = try await waitForStatus("awaiting_approval", of: id, agent: agent, port: port, token: token)
        #expect(waiting["fileName"] as? String == "ORD-42_front.pdf")
        let links = try #require(waiting["links"] as? [String: Any])
        #expect((links["proofs"] as? [String])?.count == 1)
        #expect((waiting["preflight"] as? [String: Any])?["result"] as? String != "fail")
        #expect(try agent.jobs().count == 1)

        let approved = try await sendHTTP("POST", port: port, "/api/v1/jobs/\(id)/approve", bearer: token)
        #expect(approved.status == 200)
        _ = try await waitForStatus("print_ready", of: id, agent: agent, port: port, token: token)
        let printReady = try await sendHTTP("GET", port: port, "/api/v1/jobs/\(id)/files/print-ready", bearer: token)
        #expect(printReady.status == 200 && printReady.body.starts(with: Data("%PDF".utf8)))
        // Named from the pattern's groups (output_name), the original keeps its own name.
        #expect(agent.files(in: "out/print-ready") == ["ORD-42-front.pdf"])
        #expect(agent.files(in: "originals") == ["ORD-42_front.pdf"])

        let feed = try await sendHTTP("GET", port: port, "/api/v1/events?after=0", bearer: token)
        let types = (feed.json["events"] as? [[String: Any]] ?? []).map { $0["type"] as? String ?? "" }
        #expect(types == ["job.created", "job.uploaded", "job.preflighting", "job.preflight_passed", "job.proofing",
                          "job.proof_generated", "job.awaiting_approval", "job.approved", "job.producing", "job.print_ready"])
        // The last event carries what a receiver needs without asking back: files, proof page, preflight.
        let last = try #require((feed.json["events"] as? [[String: Any]])?.last?["data"] as? [String: Any])
        let files = try #require(last["files"] as? [String: Any])
        #expect((files["printReady"] as? String)?.hasSuffix("/api/v1/jobs/\(id)/files/print-ready") == true)
        #expect((files["proofs"] as? [String])?.count == 1 && (last["proofPageUrl"] as? String)?.contains("/proof/\(id)?t=") == true)
        let preflight = try #require(last["preflight"] as? [String: Any])
        #expect(preflight["errors"] as? Int == 0 && preflight["findings"] is [[String: Any]])
    }

    @Test func aRejectedUploadLeavesItsOriginalInErrorWithTheReason() async throws {
        let (agent, port, token) = try await startAgent()
        defer { agent.stop() }
        let id = try #require(try await sendHTTP("POST", port: port, "/api/v1/jobs", bearer: token, json: ["externalId": "ORD-7"]).json["id"] as? String)
        let upload = try await sendHTTP("PUT", port: port, "/api/v1/jobs/\(id)/file", bearer: token, body: PDFFixture.businessCard(pages: 2),
                                        contentType: "application/pdf", headers: ["Content-Disposition": "attachment; filename=\"card.pdf\""])
        #expect(upload.status == 200 && upload.json["status"] as? String == "received")
        _ = try await waitForStatus("awaiting_approval", of: id, agent: agent, port: port, token: token)
        let rejected = try await sendHTTP("POST", port: port, "/api/v1/jobs/\(id)/reject", bearer: token, json: ["reason": "wrong logo"])
        #expect(rejected.status == 200)
        let files = try await agent.waitUntil("the original in error/") { () -> [String]? in
            let files = agent.files(in: "error")
            return files.contains("card.pdf.reason.txt") ? files : nil
        }
        #expect(files.contains("card.pdf.reason.txt"))
        let reason = try String(contentsOf: agent.folder().appendingPathComponent("error/card.pdf.reason.txt"), encoding: .utf8)
        #expect(reason.contains("wrong logo"))
        let job = try await sendHTTP("GET", port: port, "/api/v1/jobs/\(id)", bearer: token).json
        #expect(job["status"] as? String == "rejected")
    }

    @Test func readinessAndMetricsAnswerWithoutAToken() async throws {
        let (agent, port, _) = try await startAgent()
        defer { agent.stop() }
        let ready = try await sendHTTP("GET", port: port, "/readyz")
        #expect(ready.status == 200 && ready.json["status"] as? String == "ok")
        try agent.drop(PDFFixture.businessCard(pages: 2), as: "card.pdf")
        _ = try await agent.waitUntil("the proof waiting for approval") {
            try agent.jobs().first?["status"] as? String == "awaiting_approval" ? true : nil
        }
        let metrics = try await sendHTTP("GET", port: port, "/metrics")
        #expect(metrics.status == 200)
        for series in ["hotfolder_jobs{state=\"awaiting_approval\"} 1.0", "hotfolder_files_detected_total{hotfolder=\"cards\"} 1",
                       "hotfolder_stage_duration_seconds_count{stage=\"preflight\",hotfolder=\"cards\"} 1",
                       "hotfolder_stage_duration_seconds_count{stage=\"proof\",hotfolder=\"cards\"} 1",
                       "hotfolder_bridge_requests_total{route=\"/readyz\",method=\"GET\",status=\"200\"} 1",
                       "hotfolder_queue_depth 0.0", "hotfolder_oldest_open_job_age_seconds ", "hotfolder_webhook_deliveries{status=\"pending\"}",
                       "# HELP hotfolder_stage_duration_seconds", "hotfolder_filesystem_free_bytes{path=", "hotfolder_rescans_total{hotfolder=\"cards\"}"] {
            #expect(metrics.text.contains(series), "no \(series) in\n\(metrics.text)")
        }
        let contract = try await sendHTTP("GET", port: port, "/openapi.yaml")
        #expect(contract.text.hasPrefix("openapi: 3.1"))
    }
}

/// The customer's side: the proof page in a real browser.
@Suite(.serialized) struct ProofPageBrowserTests {
    /// `make test` installs Chromium and sets HFA_REQUIRE_TEST_TOOLS, so there a missing browser is a failure.
    static var enabled: Bool { WebDriverSession.isAvailable || ProcessInfo.processInfo.environment["HFA_REQUIRE_TEST_TOOLS"] != nil }

    @Test(.enabled(if: enabled, "needs chromium and chromium-driver (make test installs them)"))
    func theCustomerSeesTheProofAndApprovesItInABrowser() async throws {
        let agent = try RunningAgent(product: "{trim: 85x55mm, bleed: 3mm, pages: [1, 2]}", folderSettings: "approval: required")
        // The shop's MIS may approve: the link in its view lets the customer decide (a jobs:read view only shows).
        let token = try agent.cli(["token", "create", "--name", "shop", "--scopes", "jobs:read,jobs:approve"]).trimmingCharacters(in: .whitespacesAndNewlines)
        try await agent.start()
        defer { agent.stop() }
        let port = try await agent.bridgePort()
        try agent.drop(PDFFixture.businessCard(pages: 2), as: "card.pdf")
        let jobs = try await agent.waitUntil("a job awaiting approval") { () -> [[String: Any]]? in
            let jobs = try agent.jobs()
            return jobs.first?["status"] as? String == "awaiting_approval" ? jobs : nil
        }
        let id = try #require(jobs.first?["id"] as? String)
        let job = try await sendHTTP("GET", port: port, "/api/v1/jobs/\(id)", bearer: token).json
        let link = try #require((job["links"] as? [String: Any])?["proofPage"] as? String)
        // The link's host is the configured public URL; the test reaches the same path on its own port.
        let start = try #require(link.range(of: "/proof/"))
        let path = String(link[start.lowerBound...])

        // Closed before the test returns, whatever happens: a driver left to an unstructured task outlived
        // the test run.
        let browser = try await WebDriverSession()
        do {
            try await browser.open("http://127.0.0.1:\(port)\(path)")
            let image = try await browser.element("img")
            let width = try await browser.property("naturalWidth", of: image) as? Int ?? 0
            #expect(width > 100, "the proof image did not load")
            #expect(try await browser.pageText.contains("Waiting for your approval"))
            try await browser.click(try await browser.element("#approve"))
            try await agent.waitUntil("the approval to show") { () -> Bool? in
                let status = try agent.jobs().first?["status"] as? String ?? ""
                return ["approved", "producing", "print_ready"].contains(status) ? true : nil
            }
            #expect(try await browser.pageText.contains("your approval is recorded"))
            _ = try await agent.waitForTerminalJobs(1)
        } catch {
            await browser.close()
            throw error
        }
        await browser.close()
        #expect(try agent.jobs().first?["status"] as? String == "print_ready")
    }

    @Test(.enabled(if: enabled, "needs chromium and chromium-driver (make test installs them)"))
    func aGermanCustomerReadsTheProofPageInGerman() async throws {
        // The fixture's Helvetica is not embedded: a warning here, so the job reaches its proof.
        let agent = try RunningAgent(product: "{trim: 85x55mm, bleed: 3mm, safety: 3mm, pages: [1, 2]}",
                                     folderSettings: "approval: required\npreflight: {severities: {fonts.not_embedded: warning}}")
        let token = try agent.cli(["token", "create", "--name", "mis", "--scopes", "jobs:read,jobs:write,jobs:approve"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try await agent.start()
        defer { agent.stop() }
        let port = try await agent.bridgePort()
        let created = try await sendHTTP("POST", port: port, "/api/v1/jobs", bearer: token, json: ["externalId": "ORD-DE", "language": "de-AT"])
        let id = try #require(created.json["id"] as? String)
        // 4 pt text: a warning to read in German.
        var card = PDFFixture()
        card.pages = 2
        card.font = .helvetica
        card.mediaBox = [0, 0, 91 * PDFFixture.mm, 61 * PDFFixture.mm]
        card.bleedBox = card.mediaBox
        card.trimBox = [3 * PDFFixture.mm, 3 * PDFFixture.mm, 88 * PDFFixture.mm, 58 * PDFFixture.mm]
        card.content = "0 0 0 1 k BT /F1 4 Tf 100 80 Td (Hallo) Tj ET"
        let upload = try await sendHTTP("PUT", port: port, "/api/v1/jobs/\(id)/file", bearer: token, body: card.data(), contentType: "application/pdf")
        #expect(upload.status == 200, "\(upload.text)")
        let link = try await agent.waitUntil("the job to await approval") { () async throws -> String? in
            let job = try await sendHTTP("GET", port: port, "/api/v1/jobs/\(id)", bearer: token).json
            guard job["status"] as? String == "awaiting_approval" else { return nil }
            return (job["links"] as? [String: Any])?["proofPage"] as? String
        }
        let start = try #require(link.range(of: "/proof/"))
        let browser = try await WebDriverSession()
        do {
            try await browser.open("http://127.0.0.1:\(port)\(link[start.lowerBound...])")
            let text = try await browser.pageText
            for german in ["Korrekturabzug für Auftrag ORD-DE", "Wartet auf Ihre Freigabe", "Endformat", "85 × 55 mm", "So lesen Sie den Korrekturabzug",
                           "Prüfergebnis", "Seite 1 hat Text von nur 4 pt", "Zum Druck freigeben", "Ablehnen"] {
                #expect(text.contains(german), "\(german) is missing from:\n\(text)")
            }
            for english in ["Approve for print", "Reject", "Your decision", "Waiting for your approval", "Check results", "Pages"] {
                #expect(!text.contains(english), "English on the German page: \(english)")
            }
            try await browser.click(try await browser.element("#approve"))
            try await agent.waitUntil("the approval to show") { () async throws -> Bool? in
                try await browser.pageText.contains("Vielen Dank: Ihre Freigabe ist gespeichert.") ? true : nil
            }
        } catch {
            await browser.close()
            throw error
        }
        await browser.close()
    }
}
