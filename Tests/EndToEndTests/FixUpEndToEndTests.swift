import Foundation
import TestFixtures
import Testing

/// The files the issue saw sent back, dropped into a real agent whose folder makes the fix-ups: they end
/// print-ready, the report says what changed, and the original is kept as it came.
@Suite(.serialized) struct FixUpEndToEndTests {
    let mm = PDFFixture.mm

    /// A page of `width` x `height` mm with nothing but a MediaBox, as design tools export it.
    func page(width: Double, height: Double, marker: String = "") -> Data {
        var fixture = PDFFixture()
        fixture.mediaBox = [0, 0, width * mm, height * mm]
        fixture.marker = marker
        return fixture.data()
    }

    func report(_ name: String, in agent: RunningAgent) throws -> [String: Any] {
        let url = agent.folder().appendingPathComponent("out/reports/\(name).report.json")
        return try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    @Test func cardsWithoutTrimBoxOrBleedEndPrintReadyWithTheirFixesReported() async throws {
        let agent = try RunningAgent(product: "{trim: 85x55mm, bleed: 3mm, pages: 1}",
                                     folderSettings: "fixups: [trim.infer, bleed.mirror]\nmarks: crop")
        try await agent.start()
        defer { agent.stop() }
        let withBleed = page(width: 91, height: 61), atTrim = page(width: 85, height: 55)
        try agent.drop(withBleed, as: "bleed.pdf")
        try agent.drop(atTrim, as: "trim.pdf")
        let jobs = try await agent.waitForTerminalJobs(2)
        #expect(jobs.map { $0["status"] as? String } == ["print_ready", "print_ready"], "\(agent.log.suffix(2000))")

        let bleedReport = try report("bleed", in: agent)
        #expect(bleedReport["result"] as? String == "pass")
        let bleedFixes = try #require(bleedReport["fixes"] as? [[String: Any]])
        #expect(bleedFixes.map { $0["id"] as? String } == ["trim.infer"])
        let trimFixes = try #require(try report("trim", in: agent)["fixes"] as? [[String: Any]])
        #expect(trimFixes.map { $0["id"] as? String } == ["trim.infer", "bleed.mirror"])
        #expect(trimFixes.last?["message"] as? String == "Bleed added by mirroring the edges, 3 mm on every side")
        let html = try String(contentsOf: agent.folder().appendingPathComponent("out/reports/trim.report.html"), encoding: .utf8)
        #expect(html.contains("Bleed added by mirroring the edges"))

        // The print-ready files pass our own preflight against the order; the originals are as dropped.
        for name in ["bleed", "trim"] {
            let printReady = agent.folder().appendingPathComponent("out/print-ready/\(name).pdf").path
            let (status, output) = try runProgram(RunningAgent.binary, ["preflight", printReady, "--trim", "85x55mm", "--bleed", "3mm"])
            #expect(status == 0, "\(output)")
            #expect(try runProgram("qpdf", ["--check", printReady]).status == 0)
            let media = try pdfinfoBox("MediaBox", of: printReady)
            #expect(media[0] >= 0 && media[1] >= 0, "crop marks never give the page a negative origin")
        }
        #expect(try Data(contentsOf: agent.folder().appendingPathComponent("originals/bleed.pdf")) == withBleed)
        #expect(try Data(contentsOf: agent.folder().appendingPathComponent("originals/trim.pdf")) == atTrim)
    }

    @Test func rgbArtworkComesOutOfPrintReadyInCMYK() async throws {
        let agent = try RunningAgent(product: "{trim: 85x55mm, bleed: 3mm, pages: 1}",
                                     folderSettings: "fixups: [trim.infer, bleed.mirror, color.cmyk]")
        try await agent.start()
        defer { agent.stop() }
        var card = PDFFixture()
        card.mediaBox = [0, 0, 91 * mm, 61 * mm]
        card.content = "0.9 0.4 0.1 rg 0 0 \(91 * mm) \(61 * mm) re f 0 0 0 rg 20 20 40 10 re f"
        try agent.drop(card.data(), as: "rgb.pdf")
        try agent.drop(TIFFFixture.make(width: 600, height: 400, mode: .rgb), as: "photo.tif")
        let jobs = try await agent.waitForTerminalJobs(2)
        #expect(jobs.map { $0["status"] as? String } == ["print_ready", "print_ready"], "\(agent.log.suffix(2000))")
        let fixes = try #require(try report("rgb", in: agent)["fixes"] as? [[String: Any]])
        #expect(fixes.map { $0["id"] as? String } == ["trim.infer", "color.cmyk"])
        #expect((fixes.last?["message"] as? String)?.contains("RGB black set to 100% K") == true)
        #expect(try (report("photo", in: agent)["fixes"] as? [[String: Any]])?.contains { $0["id"] as? String == "color.cmyk" } == true)
        for name in ["rgb", "photo"] {
            let printReady = agent.folder().appendingPathComponent("out/print-ready/\(name).pdf").path
            let (_, json) = try runProgram(RunningAgent.binary, ["preflight", printReady, "--json"])
            let checked = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            let checks = (checked["findings"] as? [[String: Any]] ?? []).compactMap { $0["check"] as? String }
            #expect(!checks.contains("color.rgb"), "\(name): \(checks)")
        }
        let images = try runProgram("pdfimages", ["-list", agent.folder().appendingPathComponent("out/print-ready/photo.pdf").path]).output
        #expect(images.contains("cmyk") && !images.contains(" rgb "), "\(images)")
    }

    @Test func aTicketWithoutFixUpsTurnsThemOffForItsFile() async throws {
        let agent = try RunningAgent(product: "{trim: 85x55mm, bleed: 3mm, pages: 1}", folderSettings: "fixups: [trim.infer]")
        try await agent.start()
        defer { agent.stop() }
        try agent.drop(Data(#"{"externalId": "ORD-1", "fixups": []}"#.utf8), as: "asis.json")
        try agent.drop(page(width: 91, height: 61), as: "asis.pdf")
        let job = try #require(try await agent.waitForTerminalJobs(1).first)
        #expect(job["status"] as? String == "preflight_failed")
        let reason = try String(contentsOf: agent.folder().appendingPathComponent("error/asis.pdf.reason.txt"), encoding: .utf8)
        #expect(reason.contains("Page 1 is 91 x 61 mm (MediaBox); the order is 85 x 55 mm"), "\(reason)")
    }

    @Test func anAPIJobChoosesItsOwnFixUpsAndTheJobViewCountsThem() async throws {
        let agent = try RunningAgent(product: "{trim: 85x55mm, bleed: 3mm, pages: 1}")
        let token = try agent.cli(["token", "create", "--name", "mis", "--scopes", "jobs:read,jobs:write"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try await agent.start()
        defer { agent.stop() }
        let port = try await agent.bridgePort()
        let refused = try await sendHTTP("POST", port: port, "/api/v1/jobs", bearer: token,
                                         json: ["externalId": "ORD-2", "fixups": ["bleed.mirror", "bleed.scale"]])
        #expect(refused.status == 400 || refused.status == 422)
        let error = refused.json["error"] as? [String: Any]
        #expect((error?["message"] as? String)?.contains("choose one of bleed.mirror and bleed.scale") == true, "\(refused.json)")
        #expect(error?["field"] as? String == "fixups")

        let created = try await sendHTTP("POST", port: port, "/api/v1/jobs", bearer: token,
                                         json: ["externalId": "ORD-3", "fixups": ["trim.infer"]])
        #expect(created.status == 201)
        let id = try #require(created.json["id"] as? String)
        #expect(created.json["fixups"] as? [String] == ["trim.infer"])
        let upload = try await sendHTTP("PUT", port: port, "/api/v1/jobs/\(id)/file", bearer: token, body: page(width: 91, height: 61),
                                        contentType: "application/pdf", headers: ["Content-Disposition": "attachment; filename=\"card.pdf\""])
        #expect(upload.status == 200)
        let deadline = Date().addingTimeInterval(180)
        var job: [String: Any] = [:]
        while Date() < deadline {
            job = try await sendHTTP("GET", port: port, "/api/v1/jobs/\(id)", bearer: token).json
            if job["status"] as? String == "print_ready" || job["status"] as? String == "preflight_failed" { break }
            try await Task.sleep(for: .milliseconds(300))
        }
        #expect(job["status"] as? String == "print_ready", "\(job)")
        #expect((job["preflight"] as? [String: Any])?["fixes"] as? Int == 1)
        let report = try await sendHTTP("GET", port: port, "/api/v1/jobs/\(id)/report", bearer: token).json
        #expect((report["fixes"] as? [[String: Any]])?.first?["id"] as? String == "trim.infer")
    }
}
