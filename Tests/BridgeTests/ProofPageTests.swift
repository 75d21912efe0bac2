@testable import Bridge
import Pipeline
import Foundation
import Testing

@Suite(.serialized) struct ProofPageTests {
    @Test func linksVerifyOnlyForTheirJobUntilTheyExpire() throws {
        let link = ProofLink(key: Data(repeating: 1, count: 32))
        let id = JobID.generate()
        let token = link.token(for: id, expires: Date().addingTimeInterval(60))
        #expect(link.verify(token, for: id) == .valid)
        #expect(link.verify(token, for: JobID.generate()) == .invalid)
        #expect(link.verify(token + "x", for: id) == .invalid)
        #expect(ProofLink(key: Data(repeating: 2, count: 32)).verify(token, for: id) == .invalid)
        let old = link.token(for: id, expires: Date().addingTimeInterval(-1))
        #expect(link.verify(old, for: id) == .expired)
        #expect(link.verify("garbage", for: id) == .invalid)
    }

    @Test func theCustomerSeesTheProofAndDecidesWithoutAToken() async throws {
        let runnable = EndedJobs()
        let bridge = try await BridgeHarness.start(hooks: BridgeHooks(jobIsRunnable: { runnable.add($0) }))
        defer { Task { await bridge.stop() } }
        let created = try await bridge.createJob(["externalId": "ORD-<b>"])
        let id = try #require(JobID(created))
        for state in [JobState.received, .preflighting, .preflightPassed, .proofing, .proofGenerated, .awaitingApproval] {
            try await bridge.store.transition(id, to: state)
        }
        let workspace = JobWorkspace(jobsDirectory: bridge.configuration.jobsDirectory, id: id)
        try FileManager.default.createDirectory(atPath: workspace.proofs, withIntermediateDirectories: true)
        try Data([0x89, 0x50, 0x4E, 0x47]).write(to: URL(fileURLWithPath: workspace.proofPage(1)))
        let job = try await bridge.send("GET", "/api/v1/jobs/\(id)").json
        let link = try #require((job["links"] as? [String: Any])?["proofPage"] as? String)
        let path = String(link.dropFirst(BridgeHarness.publicURL.count))
        let page = try await bridge.send("GET", path, token: nil)
        #expect(page.status == 200 && page.header("Content-Type")?.hasPrefix("text/html") == true)
        #expect(page.text.contains("ORD-&lt;b&gt;") && !page.text.contains("ORD-<b>"))
        #expect(page.text.contains("/pages/1.png?t=") && page.text.contains("id=\"approve\""))
        let image = try await bridge.send("GET", path.replacingOccurrences(of: "?t=", with: "/pages/1.png?t="), token: nil)
        #expect(image.status == 200 && image.header("Content-Type") == "image/png")
        let forged = try await bridge.send("GET", "/proof/\(id)?t=1999999999.AAAA", token: nil)
        #expect(forged.status == 403)
        // The form posts, the page redirects back showing the outcome.
        let decided = try await bridge.send("POST", path.replacingOccurrences(of: "?t=", with: "/approve?t="), token: nil,
                                            body: Data(), contentType: "application/x-www-form-urlencoded")
        #expect(decided.status == 200 && decided.text.contains("your approval is recorded"))
        #expect(try await bridge.store.job(id)?.status == .approved)
        #expect(runnable.ids == [id])
        let twice = try await bridge.send("POST", path.replacingOccurrences(of: "?t=", with: "/approve?t="), token: nil,
                                          body: Data(), contentType: "application/x-www-form-urlencoded")
        #expect(twice.text.contains("Nothing changed"))
    }

    @Test func rejectingOnThePageKeepsTheReason() async throws {
        let bridge = try await BridgeHarness.start()
        defer { Task { await bridge.stop() } }
        let created = try await bridge.createJob()
        let id = try #require(JobID(created))
        for state in [JobState.received, .preflighting, .preflightPassed, .proofing, .proofGenerated, .awaitingApproval] {
            try await bridge.store.transition(id, to: state)
        }
        let token = ProofLink(key: bridge.configuration.proofLinkKey).token(for: id, expires: Date().addingTimeInterval(600))
        let reply = try await bridge.send("POST", "/proof/\(id)/reject?t=\(token)", token: nil,
                                          body: Data("reason=Please+use+the+new+logo%21".utf8),
                                          contentType: "application/x-www-form-urlencoded")
        #expect(reply.status == 200)
        let job = try #require(try await bridge.store.job(id))
        #expect(job.status == .rejected && job.failureReason == "Please use the new logo!")
    }
}

@Suite struct ProofPageFixesTests {
    @Test func theCustomerIsToldWhatWasAdjustedInPlainWords() throws {
        let now = Date()
        let job = Job(id: JobID.generate(), status: .awaitingApproval, hotfolder: "cards", fileName: "card.pdf",
                      claimedPath: nil, originalPath: nil, sha256: nil, sizeBytes: 1, kind: .pdf, externalId: "ORD-9",
                      product: ProductSpec(), createdAt: now, updatedAt: now)
        var report = PreflightReport(profile: "basic", file: .init(name: "card.pdf", sha256: nil, bytes: 1, type: "pdf", pdfVersion: "1.4",
                                                                   pages: 1, encrypted: false, pdfx: nil),
                                     product: .init(ProductSpec()), pages: [], fonts: [], spotColors: [], findings: [], durationMs: 1)
        report.fixes = [AppliedFix(.bleedMirror, page: 1, "Bleed added by mirroring the edges, 3 mm on every side <now>")]
        let html = ProofPageHTML(job: job, pageImageURLs: [], report: report, approveURL: "a", rejectURL: "r", notice: nil).html
        #expect(html.contains("What we adjusted for print"))
        #expect(html.contains("Page 1: Bleed added by mirroring the edges, 3 mm on every side &lt;now&gt;"))
        report.fixes = []
        #expect(!ProofPageHTML(job: job, pageImageURLs: [], report: report, approveURL: "a", rejectURL: "r", notice: nil).html
            .contains("What we adjusted"))
    }
}
