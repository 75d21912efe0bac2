@testable import Bridge
import Foundation
import JobStore
import Pipeline
import Testing

/// GET /api/v1/products and `productId` on a new job, over a real bridge.
@Suite(.serialized) struct ProductCatalogueTests {
    @Test func productsAreListedWithTheFoldersThatTakeThem() async throws {
        let bridge = try await BridgeHarness.start()
        defer { Task { await bridge.stop() } }
        let list = try await bridge.send("GET", "/api/v1/products", token: "reader")
        #expect(list.status == 200)
        let products = try #require(list.json["products"] as? [[String: Any]])
        #expect(products.map { $0["id"] as? String } == ["business-card", "sticker", "posters"])
        #expect(products[0]["hotfolders"] as? [String] == ["cards"] && products[0]["description"] as? String == "Business card")
        #expect(products[1]["hotfolders"] as? [String] == [] && products[1]["shape"] as? String == "circle")
        #expect(products[1]["fixups"] as? [String] == ["trim.infer"] && products[1]["approval"] as? String == "required")
        #expect(products[1]["profile"] as? String == "pdfx-4" && products[1]["trim"] as? String == "50x50mm")

        let one = try await bridge.send("GET", "/api/v1/products/sticker", token: "reader")
        #expect(one.status == 200 && one.json["safety"] as? String == "3mm" && one.json["bleed"] == nil)
        let missing = try await bridge.send("GET", "/api/v1/products/nothing-like-it")
        #expect(missing.status == 404 && missing.errorCode == "not_found")
        let anonymous = try await bridge.send("GET", "/api/v1/products", token: nil)
        #expect(anonymous.status == 401)
    }

    @Test func aJobOfAProductTakesItsSizesAndSettings() async throws {
        let bridge = try await BridgeHarness.start()
        defer { Task { await bridge.stop() } }
        let sticker = try await bridge.send("POST", "/api/v1/jobs", json: ["externalId": "ORD-5", "productId": "sticker",
                                                                          "product": ["pages": 1]])
        #expect(sticker.status == 201, "\(sticker.text)")
        #expect(sticker.json["productId"] as? String == "sticker" && sticker.json["hotfolder"] as? String == "cards")
        let product = try #require(sticker.json["product"] as? [String: Any])
        // The sticker's own keys and the request's single override; the folder's card bleed does not leak in.
        #expect(product["trim"] as? String == "50x50mm" && product["shape"] as? String == "circle" && product["pages"] as? Int == 1)
        #expect(product["bleed"] == nil)
        #expect(sticker.json["approval"] as? String == "required" && sticker.json["profile"] as? String == "pdfx-4")
        #expect(sticker.json["fixups"] as? [String] == ["trim.infer"])
        let text = try #require(sticker.json["id"] as? String)
        let id = try #require(JobID(text))
        #expect(try await bridge.store.job(id)?.product.id == "sticker")

        // A request's own settings win over the product's; its folder is the product's unless it names one.
        let card = try await bridge.send("POST", "/api/v1/jobs", json: ["productId": "business-card", "approval": "auto"])
        #expect(card.json["hotfolder"] as? String == "cards" && card.json["approval"] as? String == "auto")
        let elsewhere = try await bridge.send("POST", "/api/v1/jobs", json: ["productId": "business-card", "hotfolder": "posters"])
        #expect(elsewhere.json["hotfolder"] as? String == "posters" && elsewhere.json["productId"] as? String == "business-card")
        #expect((elsewhere.json["product"] as? [String: Any])?["trim"] as? String == "85x55mm")
        // A job without productId is of its folder's product.
        let plain = try await bridge.send("POST", "/api/v1/jobs", json: ["hotfolder": "posters"])
        #expect(plain.json["productId"] as? String == "posters")

        let unknown = try await bridge.send("POST", "/api/v1/jobs", json: ["productId": "flyer-a5"])
        #expect(unknown.status == 422 && unknown.error["field"] as? String == "productId")
        #expect((unknown.error["message"] as? String)?.contains("unknown product 'flyer-a5'; see GET /api/v1/products") == true)
        let tooRound = try await bridge.send("POST", "/api/v1/jobs", json: [
            "productId": "business-card", "product": ["shape": "rounded-rectangle", "cornerRadius": "40mm"]])
        #expect(tooRound.status == 422 && tooRound.error["field"] as? String == "product.cornerRadius")
    }

    @Test func aReloadedCatalogueIsServedAtOnce() async throws {
        let bridge = try await BridgeHarness.start()
        defer { Task { await bridge.stop() } }
        var entries = bridge.configuration.catalog.current
        entries.products.append(ProductDefinition(id: "flyer-a5", spec: ProductSpec(trim: try TrimSize(parsing: "148x210mm"))))
        bridge.configuration.catalog.replace(with: entries)
        let flyer = try await bridge.send("GET", "/api/v1/products/flyer-a5")
        #expect(flyer.status == 200 && flyer.json["trim"] as? String == "148x210mm")
        let job = try await bridge.send("POST", "/api/v1/jobs", json: ["productId": "flyer-a5"])
        #expect(job.status == 201 && job.json["productId"] as? String == "flyer-a5")
    }
}
