import Foundation
import TestFixtures
import Testing

/// Products made of parts through the real binary: a business card's front and back dropped as two files
/// become one job with one print-ready PDF, front first; a front alone waits for its back and then fails
/// naming it; a book's cover and interior uploaded in one request come out as two print-ready files.
@Suite(.serialized) struct PartsEndToEndTests {
    static let frontAndBack = "{trim: 85x55mm, bleed: 3mm, parts: [{name: front, pages: 1}, {name: back, pages: 1}]}"
    static let pattern = #"filename_pattern: '^(?<externalId>ORD-[0-9]+)_(?<part>front|back)\.pdf$'"#

    @Test func aFrontAndBackDroppedAsTwoFilesBecomeOneJobPrintedFrontFirst() async throws {
        let agent = try RunningAgent(product: Self.frontAndBack, folderSettings: Self.pattern)
        let token = try agent.cli(["token", "create", "--name", "mis", "--scopes", "jobs:read"]).trimmingCharacters(in: .whitespacesAndNewlines)
        try await agent.start()
        defer { agent.stop() }
        // The back first: the product's order of parts decides the pages' order, not the files'.
        try agent.drop(PDFFixture.businessCard(pages: 1, marker: "BACK-SIDE"), as: "ORD-1234_back.pdf")
        let waiting = try await agent.waitUntil("the back to wait for its front") { () -> [[String: Any]]? in
            let jobs = try agent.jobs()
            return jobs.first?["status"] as? String == "awaiting_file" ? jobs : nil
        }
        #expect(waiting.count == 1)
        try agent.drop(PDFFixture.businessCard(pages: 1, marker: "FRONT-SIDE"), as: "ORD-1234_front.pdf")
        let jobs = try await agent.waitForTerminalJobs(1)
        #expect(jobs.count == 1, "one order, one job: \(jobs)")
        #expect(jobs.first?["status"] as? String == "print_ready", "\(jobs)")
        let id = try #require(jobs.first?["id"] as? String)

        // One PDF named after the order: two pages, the front's first.
        #expect(agent.files(in: "out/print-ready") == ["ORD-1234.pdf"])
        let printReady = agent.folder().appendingPathComponent("out/print-ready/ORD-1234.pdf").path
        #expect(try runTool("pdfinfo", printReady).contains("Pages:           2"))
        let qdf = try makeTemporaryDirectory("parts").appendingPathComponent("qdf.pdf").path
        _ = try runProgram("qpdf", ["--qdf", "--object-streams=disable", printReady, qdf])
        let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: qdf)), as: UTF8.self)
        let front = try #require(text.range(of: "% FRONT-SIDE")), back = try #require(text.range(of: "% BACK-SIDE"))
        let second = try #require(text.range(of: "%% Contents for page 2"))
        #expect(front.lowerBound < second.lowerBound && second.lowerBound < back.lowerBound, "front is page 1, back page 2")
        #expect(try runProgram("qpdf", ["--check", printReady]).status == 0)
        // Both originals are kept, each under its own name.
        #expect(agent.files(in: "originals") == ["ORD-1234_back.pdf", "ORD-1234_front.pdf"])

        // The API shows the parts, the events tell each part's arrival, the report names each finding's part.
        let port = try await agent.bridgePort()
        let view = try await sendHTTP("GET", port: port, "/api/v1/jobs/\(id)", bearer: token).json
        let parts = view["parts"] as? [[String: Any]] ?? []
        #expect(parts.map { $0["name"] as? String } == ["front", "back"])
        #expect(parts.map { $0["fileName"] as? String } == ["ORD-1234_front.pdf", "ORD-1234_back.pdf"])
        #expect(parts.allSatisfy { $0["received"] as? Bool == true })
        let events = try await sendHTTP("GET", port: port, "/api/v1/jobs/\(id)/events", bearer: token).json["events"] as? [[String: Any]] ?? []
        let received = events.filter { $0["type"] as? String == "job.part_received" }
        #expect(received.compactMap { ($0["data"] as? [String: Any])?["part"] as? String } == ["back", "front"])
        #expect(events.contains { $0["type"] as? String == "job.uploaded" })
        let report = try await sendHTTP("GET", port: port, "/api/v1/jobs/\(id)/report", bearer: token).json
        #expect((report["parts"] as? [[String: Any]])?.map { $0["name"] as? String } == ["front", "back"])
        #expect((report["pages"] as? [[String: Any]])?.count == 2)
        let reportPath = try makeTemporaryDirectory("parts").appendingPathComponent("report.json").path
        try JSONSerialization.data(withJSONObject: report).write(to: URL(fileURLWithPath: reportPath))
        let (valid, complaints) = try ReportSchemaTests.validate(reportAt: reportPath)
        #expect(valid, "the combined report follows the schema: \(complaints)")
        #expect(try await sendHTTP("GET", port: port, "/api/v1/jobs/\(id)/proofs/2.png", bearer: token).status == 200)
        // The customer's proof page says which part each page is.
        let link = try #require((view["links"] as? [String: Any])?["proofPage"] as? String)
        let page = try await sendHTTP("GET", port: port, String(link[try #require(link.range(of: "/proof/")).lowerBound...]))
        #expect(page.status == 200 && page.text.contains(">front</span> · ") && page.text.contains(">back</span> · "), "\(page.text)")
    }

    @Test func aFrontAloneWaitsAndThenFailsNamingTheBack() async throws {
        let agent = try RunningAgent(product: Self.frontAndBack, folderSettings: Self.pattern + "\nticket_timeout: 10s")
        try await agent.start()
        defer { agent.stop() }
        try agent.drop(PDFFixture.businessCard(pages: 1), as: "ORD-77_front.pdf")
        _ = try await agent.waitUntil("the front to wait for its back") { () -> [[String: Any]]? in
            let jobs = try agent.jobs()
            return jobs.first?["status"] as? String == "awaiting_file" ? jobs : nil
        }
        let failed = try await agent.waitForTerminalJobs(1)
        #expect(failed.first?["status"] as? String == "failed")
        let reason = failed.first?["failureReason"] as? String ?? ""
        #expect(reason.contains("back") && !reason.contains("/"), "\(reason)")
        // The front is kept in error/, the reason beside it.
        #expect(agent.files(in: "error") == ["ORD-77_front.pdf", "ORD-77_front.pdf.reason.txt"])
        #expect(agent.files(in: "in").isEmpty)
    }

    @Test func aCoverAndInteriorUploadedTogetherGiveTwoPrintReadyFiles() async throws {
        let product = "{trim: 85x55mm, bleed: 3mm, output: separate, parts: [{name: cover, pages: 2}, {name: interior, pages: '4-8'}]}"
        let agent = try RunningAgent(product: product,
                                     folderSettings: #"filename_pattern: '^(?<externalId>BOOK-[0-9]+)_(?<part>cover|interior)\.pdf$'"#)
        let token = try agent.cli(["token", "create", "--name", "mis", "--scopes", "jobs:read,jobs:write"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try await agent.start()
        defer { agent.stop() }
        let port = try await agent.bridgePort()
        // The catalogue tells integrators the parts to send.
        let products = try await sendHTTP("GET", port: port, "/api/v1/products", bearer: token).json["products"] as? [[String: Any]] ?? []
        let book = try #require(products.first)
        #expect((book["parts"] as? [[String: Any]])?.map { $0["name"] as? String } == ["cover", "interior"] && book["output"] as? String == "separate")
        let boundary = "parts-\(UUID().uuidString)"
        var body = Data()
        func field(_ name: String, fileName: String? = nil, type: String, _ content: Data) {
            body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\(fileName.map { "; filename=\"\($0)\"" } ?? "")\r\n".utf8)
            body += Data("Content-Type: \(type)\r\n\r\n".utf8) + content + Data("\r\n".utf8)
        }
        field("job", type: "application/json", Data(#"{"externalId": "BOOK-9"}"#.utf8))
        field("cover", fileName: "cover.pdf", type: "application/pdf", PDFFixture.businessCard(pages: 2))
        field("interior", fileName: "interior.pdf", type: "application/pdf", PDFFixture.businessCard(pages: 4))
        body += Data("--\(boundary)--\r\n".utf8)
        let created = try await sendHTTP("POST", port: port, "/api/v1/jobs", bearer: token, body: body,
                                         contentType: "multipart/form-data; boundary=\(boundary)")
        #expect(created.status == 201, "\(created.text)")
        let id = try #require(created.json["id"] as? String)
        let done = try await agent.waitUntil("the book to be print-ready") { () async throws -> [String: Any]? in
            let view = try await sendHTTP("GET", port: port, "/api/v1/jobs/\(id)", bearer: token).json
            let status = view["status"] as? String
            if status == "failed" || status == "preflight_failed" { Issue.record("the book ended \(status ?? ""): \(view)"); return view }
            return status == "print_ready" ? view : nil
        }
        #expect(agent.files(in: "out/print-ready") == ["BOOK-9-cover.pdf", "BOOK-9-interior.pdf"])
        for (part, pages) in [("cover", 2), ("interior", 4)] {
            let path = agent.folder().appendingPathComponent("out/print-ready/BOOK-9-\(part).pdf").path
            #expect(try runTool("pdfinfo", path).contains("Pages:           \(pages)"), "\(part)")
        }
        // One link per part in the job view, none for a combined file.
        let parts = done["parts"] as? [[String: Any]] ?? []
        let links = parts.compactMap { ($0["links"] as? [String: Any])?["printReady"] as? String }
        #expect(links.count == 2 && (done["links"] as? [String: Any])?["printReady"] == nil, "\(done)")
        for link in links {
            let path = String(link[try #require(link.range(of: "/api/")).lowerBound...])
            let file = try await sendHTTP("GET", port: port, path, bearer: token)
            #expect(file.status == 200 && file.body.starts(with: Data("%PDF".utf8)))
        }
        // A part the product does not have is not taken.
        let wrong = try await sendHTTP("PUT", port: port, "/api/v1/jobs/\(id)/parts/back", bearer: token,
                                       body: PDFFixture.businessCard(pages: 2), contentType: "application/pdf")
        #expect(wrong.status == 404)
    }

    @Test func aCorrectedBackIsTheFailedJobsNextRevisionAndTheFrontIsUsedAgain() async throws {
        let agent = try RunningAgent(product: Self.frontAndBack, folderSettings: Self.pattern)
        try await agent.start()
        defer { agent.stop() }
        // The back has two pages where one is ordered: preflight fails, naming the back.
        try agent.drop(PDFFixture.businessCard(pages: 1, marker: "FRONT-SIDE"), as: "ORD-5_front.pdf")
        try agent.drop(PDFFixture.businessCard(pages: 2, marker: "OLD-BACK"), as: "ORD-5_back.pdf")
        let failed = try await agent.waitForTerminalJobs(1)
        #expect(failed.first?["status"] as? String == "preflight_failed", "\(failed)")
        #expect((failed.first?["failureReason"] as? String)?.hasPrefix("back: ") == true, "\(failed)")
        #expect(agent.files(in: "error").contains("ORD-5_front.pdf"))

        try agent.drop(PDFFixture.businessCard(pages: 1, marker: "NEW-BACK"), as: "ORD-5_back.pdf")
        let jobs = try await agent.waitUntil("revision 2 to be print-ready") { () -> [[String: Any]]? in
            let jobs = try agent.jobs()
            return jobs.first?["status"] as? String == "print_ready" ? jobs : nil
        }
        #expect(jobs.count == 1 && jobs.first?["revision"] as? Int == 2, "\(jobs)")
        let printReady = agent.folder().appendingPathComponent("out/print-ready/ORD-5.pdf").path
        let qdf = try makeTemporaryDirectory("parts").appendingPathComponent("qdf.pdf").path
        _ = try runProgram("qpdf", ["--qdf", "--object-streams=disable", printReady, qdf])
        let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: qdf)), as: UTF8.self)
        #expect(text.contains("% FRONT-SIDE") && text.contains("% NEW-BACK") && !text.contains("% OLD-BACK"))
        // The front came back from error/ for revision 2 and is kept with the new back; the old back stays in error/.
        #expect(agent.files(in: "originals") == ["ORD-5_back.pdf", "ORD-5_front.pdf"])
        #expect(agent.files(in: "error") == ["ORD-5_back.pdf", "ORD-5_back.pdf.reason.txt"])
    }

    /// A kill between claiming a part's file and recording it leaves the file in the claim: the next start
    /// gives it to the order's waiting job, or to a new job when the claim's job was never written.
    @Test func partsClaimedWhenTheAgentWasKilledAreAdoptedAtTheNextStart() async throws {
        let agent = try RunningAgent(product: Self.frontAndBack, folderSettings: Self.pattern)
        try await agent.start()
        try agent.drop(PDFFixture.businessCard(pages: 1), as: "ORD-9_front.pdf")
        let waiting = try await agent.waitUntil("the front to wait for its back") { () -> [String: Any]? in
            let job = try agent.jobs().first
            return job?["status"] as? String == "awaiting_file" ? job : nil
        }
        let id = try #require(waiting["id"] as? String)
        agent.killHard()
        // What intake had done when it was killed: the back renamed into the job's claim, and a new order's front
        // into a claim whose job was never recorded.
        let claim = try #require(agent.claimFolder(of: id), "the front's claim")
        try PDFFixture.businessCard(pages: 1).write(to: claim.appendingPathComponent("ORD-9_back.pdf"))
        let unrecorded = agent.folder().appendingPathComponent(".work/job_01JDQ8Z3V4K6M8N0P2R4T6W8Y0")
        try FileManager.default.createDirectory(at: unrecorded, withIntermediateDirectories: true)
        try PDFFixture.businessCard(pages: 1).write(to: unrecorded.appendingPathComponent("ORD-10_front.pdf"))
        try await agent.start()
        defer { agent.stop() }
        let jobs = try await agent.waitUntil("ORD-9 to be print-ready and ORD-10 to wait") { () -> [[String: Any]]? in
            let jobs = try agent.jobs()
            let status = Dictionary(jobs.map { ($0["externalId"] as? String ?? "", $0["status"] as? String ?? "") }) { $1 }
            return status["ORD-9"] == "print_ready" && status["ORD-10"] == "awaiting_file" ? jobs : nil
        }
        #expect(jobs.count == 2, "\(jobs)")
        #expect(jobs.first { $0["externalId"] as? String == "ORD-9" }?["id"] as? String == id)
        #expect(agent.files(in: "originals") == ["ORD-9_back.pdf", "ORD-9_front.pdf"])
        #expect(agent.files(in: "out/print-ready") == ["ORD-9.pdf"])
    }
}
