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
}
