@testable import Bridge
import JobStore
import Pipeline
import Foundation
import Testing

@Suite(.serialized) struct ProofPageTests {
    @Test func linksVerifyOnlyForTheirJobAndProofUntilTheyExpire() throws {
        let link = ProofLink(key: Data(repeating: 1, count: 32))
        let id = JobID.generate()
        let token = link.token(for: id, capability: .decide, epoch: 3, expires: Date().addingTimeInterval(60))
        #expect(link.verify(token, for: id, currentEpoch: 3) == .valid(.decide))
        #expect(link.verify(token, for: id, currentEpoch: 4) == .superseded)
        #expect(link.verify(token, for: JobID.generate(), currentEpoch: 3) == .invalid)
        #expect(link.verify(token + "x", for: id, currentEpoch: 3) == .invalid)
        #expect(ProofLink(key: Data(repeating: 2, count: 32)).verify(token, for: id, currentEpoch: 3) == .invalid)
        // The capability is signed: a view link cannot be turned into a deciding one.
        let view = link.token(for: id, capability: .view, epoch: 3, expires: Date().addingTimeInterval(60))
        #expect(link.verify(view, for: id, currentEpoch: 3) == .valid(.view))
        #expect(link.verify(view.replacingOccurrences(of: ".v.", with: ".d."), for: id, currentEpoch: 3) == .invalid)
        let old = link.token(for: id, capability: .view, epoch: 3, expires: Date().addingTimeInterval(-1))
        #expect(link.verify(old, for: id, currentEpoch: 3) == .expired)
        #expect(link.verify("garbage", for: id, currentEpoch: 0) == .invalid)
        #expect(link.verify("1999999999.AAAA", for: id, currentEpoch: 0) == .invalid)
    }

    @Test func theCustomerSeesTheProofAndDecidesWithoutAToken() async throws {
        let runnable = EndedJobs()
        let bridge = try await BridgeHarness.start(hooks: BridgeHooks(jobIsRunnable: { runnable.add($0) }))
        defer { Task { await bridge.stop() } }
        let created = try await bridge.createJob(["externalId": "ORD-<b>", "product": ["finishing": ["soft-touch <laminate>"]]])
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
        #expect(page.text.contains("<dt>Finishing</dt><dd>soft-touch &lt;laminate&gt;</dd>"))
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

    /// A job in `state` (awaiting_approval unless said) with one proof page.
    private func awaitingApproval(_ bridge: BridgeHarness, upTo last: JobState = .awaitingApproval) async throws -> JobID {
        let id = try #require(JobID(try await bridge.createJob()))
        let states: [JobState] = [.received, .preflighting, .preflightPassed, .proofing, .proofGenerated, .awaitingApproval]
        for state in states.prefix(through: states.firstIndex(of: last)!) {
            try await bridge.store.transition(id, to: state)
        }
        let workspace = JobWorkspace(jobsDirectory: bridge.configuration.jobsDirectory, id: id)
        try FileManager.default.createDirectory(atPath: workspace.proofs, withIntermediateDirectories: true)
        try Data([0x89, 0x50, 0x4E, 0x47]).write(to: URL(fileURLWithPath: workspace.proofPage(1)))
        return id
    }

    private func proofPath(_ bridge: BridgeHarness, _ id: JobID, token: String) async throws -> String {
        let job = try await bridge.send("GET", "/api/v1/jobs/\(id)", token: token).json
        let link = try #require((job["links"] as? [String: Any])?["proofPage"] as? String)
        return String(link.dropFirst(BridgeHarness.publicURL.count))
    }

    @Test func aReadersLinkShowsTheProofButCannotApprove() async throws {
        let bridge = try await BridgeHarness.start()
        defer { Task { await bridge.stop() } }
        let id = try await awaitingApproval(bridge)
        let path = try await proofPath(bridge, id, token: "reader")
        let page = try await bridge.send("GET", path, token: nil)
        #expect(page.status == 200 && page.text.contains("id=\"view-only\"") && !page.text.contains("id=\"approve\""))
        let approve = try await bridge.send("POST", path.replacingOccurrences(of: "?t=", with: "/approve?t="), token: nil,
                                            body: Data(), contentType: "application/x-www-form-urlencoded")
        #expect(approve.status == 403 && approve.error["message"].map { "\($0)".contains("cannot approve") } == true)
        let reject = try await bridge.send("POST", path.replacingOccurrences(of: "?t=", with: "/reject?t="), token: nil,
                                           body: Data("reason=no".utf8), contentType: "application/x-www-form-urlencoded")
        #expect(reject.status == 403)
        #expect(try await bridge.store.job(id)?.status == .awaitingApproval)
        // The event feed is read with jobs:read too: its links only show.
        let feed = try await bridge.send("GET", "/api/v1/events?after=0", token: "full").json
        let links = (feed["events"] as? [[String: Any]] ?? []).compactMap { ($0["data"] as? [String: Any])?["proofPageUrl"] as? String }
        #expect(!links.isEmpty && links.allSatisfy { $0.contains(".v.") })
    }

    @Test func theHistorySaysWhoApprovedOnThePage() async throws {
        let bridge = try await BridgeHarness.start()
        defer { Task { await bridge.stop() } }
        let id = try await awaitingApproval(bridge)
        let path = try await proofPath(bridge, id, token: "full")
        let decided = try await bridge.send("POST", path.replacingOccurrences(of: "?t=", with: "/approve?t="), token: nil,
                                            body: Data(), contentType: "application/x-www-form-urlencoded",
                                            headers: ["User-Agent": "CustomerPhone/1.0"])
        #expect(decided.status == 200)
        let events = try await bridge.send("GET", "/api/v1/jobs/\(id)/events").json["events"] as? [[String: Any]] ?? []
        let approval = try #require(events.last?["data"] as? [String: Any])
        let actor = try #require(approval["actor"] as? [String: Any])
        #expect(approval["status"] as? String == "approved")
        #expect(actor["kind"] as? String == "proof_page" && actor["address"] as? String == "127.0.0.1")
        #expect(actor["userAgent"] as? String == "CustomerPhone/1.0")
        // Through the API, the token's name.
        let other = try await awaitingApproval(bridge)
        #expect(try await bridge.send("POST", "/api/v1/jobs/\(other)/approve").status == 200)
        let apiEvents = try await bridge.send("GET", "/api/v1/jobs/\(other)/events").json["events"] as? [[String: Any]] ?? []
        let apiActor = try #require((apiEvents.last?["data"] as? [String: Any])?["actor"] as? [String: Any])
        #expect(apiActor["kind"] as? String == "token" && apiActor["name"] as? String == "full")
    }

    @Test func aNewProofOrARevocationVoidsEarlierLinks() async throws {
        let bridge = try await BridgeHarness.start()
        defer { Task { await bridge.stop() } }
        let id = try await awaitingApproval(bridge, upTo: .proofGenerated)
        let first = try await proofPath(bridge, id, token: "full")
        #expect(try await bridge.send("GET", first, token: nil).status == 200)
        // Something failed after the proof; the operator retries and the job is proofed anew.
        try await bridge.store.transition(id, to: .failed)
        for state in [JobState.received, .preflighting, .preflightPassed, .proofing, .proofGenerated, .awaitingApproval] {
            try await bridge.store.transition(id, to: state)
        }
        let stale = try await bridge.send("POST", first.replacingOccurrences(of: "?t=", with: "/approve?t="), token: nil,
                                          body: Data(), contentType: "application/x-www-form-urlencoded")
        #expect(stale.status == 403 && stale.text.contains("earlier proof"))
        #expect(try await bridge.store.job(id)?.status == .awaitingApproval)
        let second = try await proofPath(bridge, id, token: "full")
        #expect(second != first)
        #expect(try await bridge.send("GET", second, token: nil).status == 200)
        // Withdrawn by hand: a reader may not, an approver may.
        #expect(try await bridge.send("DELETE", "/api/v1/jobs/\(id)/proof-links", token: "reader").status == 403)
        let revoked = try await bridge.send("DELETE", "/api/v1/jobs/\(id)/proof-links")
        #expect(revoked.status == 200)
        #expect(try await bridge.send("GET", second, token: nil).status == 403)
        let third = try await proofPath(bridge, id, token: "full")
        #expect(try await bridge.send("GET", third, token: nil).status == 200)
    }

    @Test func rejectingOnThePageKeepsTheReason() async throws {
        let bridge = try await BridgeHarness.start()
        defer { Task { await bridge.stop() } }
        let created = try await bridge.createJob()
        let id = try #require(JobID(created))
        for state in [JobState.received, .preflighting, .preflightPassed, .proofing, .proofGenerated, .awaitingApproval] {
            try await bridge.store.transition(id, to: state)
        }
        let epoch = try #require(try await bridge.store.job(id)).proofLinkEpoch
        let token = ProofLink(key: bridge.configuration.proofLinkKey).token(for: id, capability: .decide, epoch: epoch,
                                                                            expires: Date().addingTimeInterval(600))
        let reply = try await bridge.send("POST", "/proof/\(id)/reject?t=\(token)", token: nil,
                                          body: Data("reason=Please+use+the+new+logo%21".utf8),
                                          contentType: "application/x-www-form-urlencoded")
        #expect(reply.status == 200)
        let job = try #require(try await bridge.store.job(id))
        #expect(job.status == .rejected && job.failureReason == "Please use the new logo!")
    }
}

/// The proof page speaks the customer's language: the job's, else the browser's, else English.
@Suite struct ProofPageLanguageTests {
    /// A job awaiting approval in `language`, whose report has a finding and a fix.
    func job(_ bridge: BridgeHarness, language: String?) async throws -> JobID {
        var request: [String: Any] = ["externalId": "ORD-7", "product": ["trim": "50x50mm", "safety": "0.5mm", "shape": "circle"]]
        request["language"] = language
        let id = try #require(JobID(try await bridge.createJob(request)))
        for state in [JobState.received, .preflighting, .preflightPassed, .proofing, .proofGenerated, .awaitingApproval] {
            try await bridge.store.transition(id, to: state)
        }
        let workspace = JobWorkspace(jobsDirectory: bridge.configuration.jobsDirectory, id: id)
        try FileManager.default.createDirectory(atPath: workspace.proofs, withIntermediateDirectories: true)
        try Data([0x89, 0x50, 0x4E, 0x47]).write(to: URL(fileURLWithPath: workspace.proofPage(1)))
        var report = PreflightReport(profile: "basic", file: .init(name: "card.pdf", sha256: nil, bytes: 1, type: "pdf", pdfVersion: "1.4",
                                                                   pages: 1, encrypted: false, pdfx: nil),
                                     product: .init(ProductSpec()), pages: [], fonts: [], spotColors: [],
                                     findings: [Finding(check: "safety.text", severity: .warning, page: 1,
                                                        message: Message("safety.text.shape", ["page": 1, "count": 2, "safetyMm": .number(0.5),
                                                                                               "shape": ProductSpec.Shape.circle.term]))],
                                     durationMs: 1)
        report.fixes = [AppliedFix(.bleedMirror, page: 1, Message("fix.bleed.mirror", ["bleedMm": .number(2)]))]
        try JSONEncoder().encode(report).write(to: URL(fileURLWithPath: workspace.report))
        return id
    }

    func proofPath(_ bridge: BridgeHarness, _ id: JobID) async throws -> String {
        let job = try await bridge.send("GET", "/api/v1/jobs/\(id)").json
        let link = try #require((job["links"] as? [String: Any])?["proofPage"] as? String)
        return String(link.dropFirst(BridgeHarness.publicURL.count))
    }

    @Test func aGermanJobsPageIsGermanThroughout() async throws {
        let bridge = try await BridgeHarness.start()
        defer { Task { await bridge.stop() } }
        let id = try await job(bridge, language: "de-CH")
        let path = try await proofPath(bridge, id)
        // The job's language wins over the browser's.
        let page = try await bridge.send("GET", path, token: nil, headers: ["Accept-Language": "fr, en;q=0.5"])
        #expect(page.status == 200 && page.header("Vary")?.contains("Accept-Language") == true)
        for german in ["<html lang=\"de\"", "Korrekturabzug für Auftrag ORD-7", "Wartet auf Ihre Freigabe", "Ihre Bestellung", "50 × 50 mm",
                       "Sicherheitsabstand</dt><dd>0,5 mm", "Form</dt><dd>Kreis", "Schnittlinie: die Form",
                       "Seite 1: Beschnitt durch Spiegeln der Ränder ergänzt, 2 mm an jeder Seite",
                       "Seite 1 hat 2 Zeichen näher als 0,5 mm an der Schnittlinie (Kreis)", "Zum Druck freigeben", ">Ablehnen<"] {
            #expect(page.text.contains(german), "\(german)")
        }
        for english in ["Approve for print", ">Reject<", "Your order", "How to read", "Safety margin", "Check results", "Page 1"] {
            #expect(!page.text.contains(english), "English left on the German page: \(english)")
        }
        // The confirmation after the decision, and a link that no longer works, in German too.
        let decided = try await bridge.send("POST", path.replacingOccurrences(of: "?t=", with: "/approve?t="), token: nil,
                                            body: Data(), contentType: "application/x-www-form-urlencoded")
        #expect(decided.text.contains("Vielen Dank: Ihre Freigabe ist gespeichert."))
        let invalid = try await bridge.send("GET", "/proof/\(id)?t=1999999999.AAAA", token: nil)
        #expect(invalid.status == 403 && invalid.header("Content-Type")?.hasPrefix("text/html") == true)
        #expect(invalid.text.contains("Dieser Link ist ungültig") && invalid.text.contains("<html lang=\"de\""))
        let expired = ProofLink(key: bridge.configuration.proofLinkKey).token(for: id, capability: .decide, epoch: 0,
                                                                              expires: Date().addingTimeInterval(-60))
        #expect(try await bridge.send("GET", "/proof/\(id)?t=\(expired)", token: nil).text.contains("Dieser Link ist abgelaufen"))
    }

    @Test func withoutAJobLanguageTheBrowsersDecides() async throws {
        let bridge = try await BridgeHarness.start()
        defer { Task { await bridge.stop() } }
        let id = try await job(bridge, language: nil)
        let path = try await proofPath(bridge, id)
        let french = try await bridge.send("GET", path, token: nil, headers: ["Accept-Language": "pt-BR, fr-CH;q=0.9, en;q=0.5"])
        #expect(french.text.contains("<html lang=\"fr\"") && french.text.contains("Valider pour l’impression"))
        let english = try await bridge.send("GET", path, token: nil, headers: ["Accept-Language": "pt-BR"])
        #expect(english.text.contains("<html lang=\"en\"") && english.text.contains("Approve for print"))
        #expect(english.text.contains("Page 1 has 2 character(s) closer than 0.5 mm to the circle cut line"))
        // A job in a language there is no catalogue for reads in the browser's.
        let portuguese = try await job(bridge, language: "pt")
        let dutch = try await bridge.send("GET", try await proofPath(bridge, portuguese), token: nil, headers: ["Accept-Language": "nl-BE"])
        #expect(dutch.text.contains("Goedkeuren voor druk"))
        // An unknown proof: the browser's language.
        let missing = try await bridge.send("GET", "/proof/\(JobID.generate())?t=x", token: nil, headers: ["Accept-Language": "es"])
        #expect(missing.status == 404 && missing.text.contains("Esta prueba no existe."))
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
        report.fixes = [AppliedFix(.pdfxOutputIntent, page: 1, Message("fix.pdfx.output_intent", ["profile": "FOGRA39 <now>"]))]
        let html = ProofPageHTML(job: job, pageImageURLs: [], report: report, decides: true, approveURL: "a", rejectURL: "r", notice: nil).html
        #expect(html.contains("What we adjusted for print"))
        #expect(html.contains("Page 1: Output intent added for the printing condition FOGRA39 &lt;now&gt;"))
        report.fixes = []
        #expect(!ProofPageHTML(job: job, pageImageURLs: [], report: report, decides: true, approveURL: "a", rejectURL: "r", notice: nil).html
            .contains("What we adjusted"))
    }
}
