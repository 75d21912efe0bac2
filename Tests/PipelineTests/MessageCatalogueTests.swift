import Foundation
import Pipeline
import TestFixtures
import Testing

/// Every sentence exists in every language with the same placeholders, and every key the code names is
/// in the catalogue: a customer never sees a key or an English sentence on a page in their language.
@Suite struct MessageCatalogueTests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources")

    @Test func everyLanguageHasEveryMessageWithTheSamePlaceholders() {
        let english = MessageCatalogue.english
        #expect(MessageCatalogue.all.map(\.language) == ["en", "de", "fr", "es", "it", "nl"])
        for catalogue in MessageCatalogue.all.dropFirst() {
            #expect(Set(catalogue.keys).subtracting(english.keys).sorted() == [], "\(catalogue.language) has keys English lacks")
            for key in english.keys {
                guard let translated = catalogue.template(key) else {
                    Issue.record("\(catalogue.language) lacks \(key)")
                    continue
                }
                let expected = MessageCatalogue.placeholders(in: english.template(key) ?? "")
                #expect(MessageCatalogue.placeholders(in: translated) == expected, "\(catalogue.language) \(key): \(translated)")
                #expect(!translated.isEmpty && translated.filter { $0 == "{" }.count == translated.filter { $0 == "}" }.count,
                        "\(catalogue.language) \(key) has unbalanced braces")
            }
        }
    }

    /// Keys named in Sources as literals: `Message("key"` and `render("key"` and the proof page's `text("key"`.
    @Test func everyKeyTheCodeNamesIsInTheCatalogue() throws {
        var named: Set<String> = []
        let files = FileManager.default.enumerator(at: Self.sources, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        for file in files where file.pathExtension == "swift" && !file.lastPathComponent.hasPrefix("MessageCatalogue+")
            && !file.path.contains("/Agent/") {
            let text = try String(contentsOf: file, encoding: .utf8)
            for match in text.matches(of: #/(?:Message|render|text|refusal)\(\s*"([a-z0-9_.-]+)"/#) where !match.1.hasSuffix(".") {
                named.insert(String(match.1))
            }
            for match in text.matches(of: #/(?:\?|:)\s*"((?:proof|fix|lines|raster|dieline|bleed|safety|legend)\.[a-z0-9_.]+)"/#) {
                if !match.1.hasSuffix(".") { named.insert(String(match.1)) }
            }
        }
        // Keys put together at run time.
        named.formUnion(["fix.count.colour", "fix.count.colours", "fix.count.image", "fix.count.images", "fix.count.gradient",
                         "fix.count.gradients", "fix.color.cmyk.black", "fix.color.cmyk.partial", "fix.color.cmyk.black_partial"])
        named.formUnion(["left", "right", "top", "bottom"].map { "edge." + $0 })
        named.formUnion(ProductSpec.Shape.allCases.map { "shape." + $0.rawValue })
        #expect(named.count > 100, "the scan finds the keys: \(named.count)")
        #expect(named.subtracting(MessageCatalogue.english.keys).sorted() == [])
    }

    @Test func numbersAndLengthsInTheReadersForm() {
        #expect(MessageCatalogue.german.render("proof.order.length_value", ["lengthMm": .number(0.5)]) == "0,5 mm")
        #expect(MessageCatalogue.german.render("proof.order.size_value", ["widthMm": .number(85), "heightMm": .number(55)]) == "85 × 55 mm")
        #expect(MessageCatalogue.english.render("proof.order.length_value", ["lengthMm": .mm(3.1752 * 72 / 25.4)]) == "3.18 mm")
        #expect(MessageCatalogue.french.format(1234.5) == "1234,5")
        // Terms in the reader's language, lists of sentences joined.
        let gap = Message("bleed.content_missing.shape", ["page": 1, "shape": ProductSpec.Shape.circle.term,
                                                          "edges": .terms(["edge.left", "edge.top"]), "lengthMm": .number(12.5)])
        #expect(MessageCatalogue.german.render(gap).contains("linken, oberen Seite bis an die Schnittlinie (Kreis)"), "\(MessageCatalogue.german.render(gap))")
        #expect(gap.english.contains("circle cut line on the left, top side(s)") && gap.english.contains("12.5 mm"))
        let counts = Message("fix.color.cmyk", ["profile": "FOGRA39", "intent": "perceptual",
                                                "converted": .list([Message("fix.count.colours", ["count": 2]), Message("fix.count.image", ["count": 1])])])
        #expect(counts.english == "RGB converted to CMYK for print (FOGRA39, perceptual): 2 colours, 1 image")
        #expect(MessageCatalogue.dutch.render(counts).hasSuffix("2 kleuren, 1 afbeelding"))
    }

    @Test func theBestLanguageIsTheFirstWeSpeak() {
        #expect(MessageCatalogue.matching(["de-CH"])?.language == "de")
        #expect(MessageCatalogue.matching(["pt-BR", "it"])?.language == "it")
        #expect(MessageCatalogue.matching(["pt"]) == nil)
        #expect(MessageCatalogue.tags(fromAcceptLanguage: "fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5") == ["fr-CH", "fr", "en", "de"])
        #expect(MessageCatalogue.tags(fromAcceptLanguage: "en;q=0.2, nl, es;q=0") == ["nl", "en"])
    }

    @Test func findingsCarryTheirKeyAndValuesForIntegrators() throws {
        let report = try preflight(sticker("0 0 0 1 k BT /F1 9 Tf \(10.5 * PDFFixture.mm) \(10.5 * PDFFixture.mm) Td (Hi) Tj ET"), product: stickerOrder)
        let safety = try #require(report.findings.first { $0.check == "safety.text" })
        #expect(safety.messageKey == "safety.text.shape")
        #expect(safety.params?["page"] == .number(1) && safety.params?["safetyMm"] == .number(3) && safety.params?["shape"] == .terms(["shape.circle"]))
        #expect(safety.message == MessageCatalogue.english.render("safety.text.shape", safety.params ?? [:]))
        #expect(safety.message(in: .italian).contains("dalla linea di taglio (cerchio)"))
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(safety)) as? [String: Any]
        #expect(json?["messageKey"] as? String == "safety.text.shape")
        let params = try #require(json?["params"] as? [String: Any])
        #expect(params["page"] as? Int == 1 && params["shape"] as? [String] == ["shape.circle"])
        // Read back, a report's finding is the same finding; one from before catalogues has no key and keeps its message.
        let decoded = try JSONDecoder().decode(Finding.self, from: JSONEncoder().encode(safety))
        #expect(decoded.messageKey == safety.messageKey && decoded.params == safety.params, "\(decoded)")
        let old = try JSONDecoder().decode(Finding.self, from: Data(#"{"check":"x","severity":"error","page":null,"message":"Old words","measured":null,"expected":null,"bbox":null}"#.utf8))
        #expect(old.messageKey == nil && old.message(in: .german) == "Old words")
        // Every finding of a file with many problems has a key.
        var many = PDFFixture()
        many.font = .helvetica
        many.content = "1 0 0 rg 0 0 100 100 re f BT /F1 4 Tf 10 10 Td (tiny) Tj ET 0 w 0 0 m 50 50 l S"
        let findings = try preflight(many, product: cardOrder).findings
        #expect(findings.count >= 6)
        #expect(findings.allSatisfy { $0.messageKey != nil }, "\(findings.filter { $0.messageKey == nil })")
    }
}
