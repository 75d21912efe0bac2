import Foundation
import TestFixtures
import Testing

/// The product catalogue through the real binary: an MIS lists what it can order, orders by id, and a
/// file dropped into a folder that takes a product is a job of that product.
@Suite(.serialized) struct ProductEndToEndTests {
    static let catalogue = """
        products:
          business-card-85x55:
            description: Business card 85 x 55 mm
            trim: 85x55mm
            bleed: 3mm
            pages: [1, 2]
            finishing: [matt-laminate]
          sticker-50mm:
            trim: 50x50mm
            bleed: 2mm
            pages: 1
            shape: circle
            approval: required
        """

    @Test func productsAreListedAndUsedByID() async throws {
        let agent = try RunningAgent(product: "business-card-85x55", topLevel: Self.catalogue)
        defer { agent.stop() }
        let token = try agent.cli(["token", "create", "--name", "mis", "--scopes", "jobs:read,jobs:write,jobs:approve"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try await agent.start()
        let port = try await agent.bridgePort()

        let list = try await sendHTTP("GET", port: port, "/api/v1/products", bearer: token)
        let products = try #require(list.json["products"] as? [[String: Any]])
        #expect(products.map { $0["id"] as? String } == ["business-card-85x55", "sticker-50mm"])
        #expect(products[0]["hotfolders"] as? [String] == ["cards"] && products[0]["finishing"] as? [String] == ["matt-laminate"])
        #expect(products[1]["shape"] as? String == "circle" && products[1]["approval"] as? String == "required")

        // Ordered by id: the sticker's sizes and its approval rule, though the folder's product is the card.
        let created = try await sendHTTP("POST", port: port, "/api/v1/jobs", bearer: token,
                                         json: ["externalId": "ORD-50", "productId": "sticker-50mm"])
        #expect(created.status == 201, "\(created.text)")
        let id = try #require(created.json["id"] as? String)
        var sticker = PDFFixture()
        sticker.mediaBox = [0, 0, 54 * PDFFixture.mm, 54 * PDFFixture.mm]
        sticker.trimBox = [2 * PDFFixture.mm, 2 * PDFFixture.mm, 52 * PDFFixture.mm, 52 * PDFFixture.mm]
        sticker.bleedBox = sticker.mediaBox
        let upload = try await sendHTTP("PUT", port: port, "/api/v1/jobs/\(id)/file", bearer: token, body: sticker.data(),
                                        contentType: "application/pdf")
        #expect(upload.status == 200, "\(upload.text)")
        let waiting = try await agent.waitUntil("the sticker waits for approval") { () async throws -> [String: Any]? in
            let job = try await sendHTTP("GET", port: port, "/api/v1/jobs/\(id)", bearer: token).json
            return job["status"] as? String == "awaiting_approval" ? job : nil
        }
        #expect(waiting["productId"] as? String == "sticker-50mm")
        #expect((waiting["preflight"] as? [String: Any])?["result"] as? String == "pass", "\(waiting)")
        let report = try await sendHTTP("GET", port: port, "/api/v1/jobs/\(id)/report", bearer: token).json
        let facts = try #require(report["product"] as? [String: Any])
        #expect(facts["id"] as? String == "sticker-50mm" && facts["shape"] as? String == "circle" && facts["trimWidthMm"] as? Double == 50)

        // A dropped file is of the folder's product.
        try agent.drop(PDFFixture.businessCard(pages: 2), as: "card.pdf")
        let dropped = try await agent.waitUntil("the dropped card is print-ready") { () async throws -> [String: Any]? in
            let jobs = try await sendHTTP("GET", port: port, "/api/v1/jobs?status=print_ready", bearer: token).json["jobs"] as? [[String: Any]]
            return jobs?.first
        }
        #expect(dropped["productId"] as? String == "business-card-85x55" && dropped["fileName"] as? String == "card.pdf")

        // A product added to the config is offered after a reload, without a restart.
        try agent.writeConfig(folders: ["cards"], product: "business-card-85x55",
                              topLevel: Self.catalogue + "\n  flyer-a5: {trim: 148x210mm, bleed: 3mm}")
        try agent.signal(SIGHUP)
        let flyer = try await agent.waitUntil("the flyer is offered") { () async throws -> [String: Any]? in
            let reply = try await sendHTTP("GET", port: port, "/api/v1/products/flyer-a5", bearer: token)
            return reply.status == 200 ? reply.json : nil
        }
        #expect(flyer["trim"] as? String == "148x210mm" && flyer["hotfolders"] as? [String] == [])
    }

    /// A 50 mm round sticker, 2 mm bleed on a 54 mm page, `content` drawn on it.
    static func sticker(_ content: String) -> Data {
        let mm = PDFFixture.mm
        var fixture = PDFFixture()
        fixture.mediaBox = [0, 0, 54 * mm, 54 * mm]
        fixture.bleedBox = fixture.mediaBox
        fixture.trimBox = [2 * mm, 2 * mm, 52 * mm, 52 * mm]
        fixture.font = content.contains("Tf") ? .helvetica : .none
        fixture.content = content
        return fixture.data()
    }

    @Test func aRoundStickerIsProofedRoundAndCutAlongItsDieline() async throws {
        let agent = try RunningAgent(folders: ["stickers"], product: "{trim: 50x50mm, bleed: 2mm, safety: 3mm, pages: 1, shape: circle}")
        defer { agent.stop() }
        try await agent.start()
        let mm = PDFFixture.mm
        try agent.drop(Self.sticker("0 0 0.2 0 k 0 0 500 500 re f"), as: "round.pdf", into: "stickers")
        // Light yellow artwork, so the blue cut line shows. Text on the diagonal 10.5 mm from the sheet's corner: inside the trim's safety rectangle, outside the circle's.
        try agent.drop(Self.sticker("0 0 0.2 0 k 0 0 500 500 re f 0 0 0 1 k BT /F1 9 Tf \(10.5 * mm) \(10.5 * mm) Td (Hi) Tj ET"),
                       as: "corner.pdf", into: "stickers")
        let jobs = try await agent.waitForTerminalJobs(2)
        let status = Dictionary(uniqueKeysWithValues: jobs.map { ($0["fileName"] as? String ?? "", $0["status"] as? String ?? "") })
        #expect(status == ["round.pdf": "print_ready", "corner.pdf": "preflight_failed"], "\(jobs)")

        // The proof's cut line is the circle: blue on it all round, none at the trim's corners.
        let proof = try PNGPixels(contentsOf: agent.folder("stickers").appendingPathComponent("out/proofs/round-page-1.png").path)
        let scale = 150.0 / 72
        let (centre, radius) = (27 * mm * scale, 25 * mm * scale)
        for degrees in stride(from: 0.0, to: 360, by: 30) {
            let angle = degrees * .pi / 180
            #expect(proof.hasCutLine(near: centre + radius * cos(angle), centre - radius * sin(angle)), "the cut line at \(degrees)°")
        }
        let corner = 2 * mm * scale, far = 52 * mm * scale
        for (x, y) in [(corner, corner), (far, corner), (corner, far), (far, far)] {
            #expect(!proof.hasCutLine(near: x, y), "no cut at the trim's corner (\(Int(x)), \(Int(y)))")
        }

        // The print-ready PDF carries the circle as a CutContour separation on an optional content group.
        let printReady = agent.folder("stickers").appendingPathComponent("out/print-ready/round.pdf").path
        let readable = agent.directory.appendingPathComponent("round.qdf.pdf").path
        #expect(try runProgram("qpdf", ["--qdf", "--object-streams=disable", printReady, readable]).status == 0)
        let text = try String(contentsOfFile: readable, encoding: .isoLatin1).split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(text.contains("/Separation /CutContour") && text.contains("/Type /OCG") && text.contains("/Name (CutContour)"))
        #expect(text.contains("/OCProperties") && text.contains("/OP true"))

        // The corner text is a safety finding of the circle.
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: agent.folder("stickers")
            .appendingPathComponent("out/reports/corner.report.json"))) as? [String: Any]
        let safety = (report?["findings"] as? [[String: Any]])?.first { $0["check"] as? String == "safety.text" }
        #expect((safety?["message"] as? String)?.contains("circle cut line") == true, "\(String(describing: report?["findings"]))")
        #expect((report?["product"] as? [String: Any])?["shape"] as? String == "circle")
    }
}
