import Foundation
import Pipeline
import TestFixtures
import Testing

/// Runs the real engine (qpdf and Poppler) on a generated PDF and returns the findings of one check.
func preflight(_ fixture: PDFFixture, product: ProductSpec = ProductSpec(), profile: PreflightProfile = .basic) throws -> PreflightReport {
    let path = try makeTemporaryDirectory("preflight").appendingPathComponent("file.pdf").path
    try fixture.data().write(to: URL(fileURLWithPath: path))
    return Preflight(product: product, profile: profile).run(fileAt: path, fileName: "file.pdf")
}

/// Runs the real engine on hand-made bytes (damaged or hostile files PDFFixture does not write).
func preflight(_ data: Data, named name: String = "file.pdf", product: ProductSpec = ProductSpec()) throws -> PreflightReport {
    let path = try makeTemporaryDirectory("preflight").appendingPathComponent(name).path
    try data.write(to: URL(fileURLWithPath: path))
    return Preflight(product: product, profile: .basic).run(fileAt: path, fileName: name)
}

func findings(_ check: String, _ fixture: PDFFixture, product: ProductSpec = ProductSpec(),
              profile: PreflightProfile = .basic) throws -> [Finding] {
    try preflight(fixture, product: product, profile: profile).findings.filter { $0.check == check }
}

/// A business card: 85 x 55 mm trim, 3 mm bleed, boxes set.
func card() -> PDFFixture {
    var fixture = PDFFixture()
    let mm = PDFFixture.mm
    fixture.mediaBox = [0, 0, 91 * mm, 61 * mm]
    fixture.bleedBox = [0, 0, 91 * mm, 61 * mm]
    fixture.trimBox = [3 * mm, 3 * mm, 88 * mm, 58 * mm]
    return fixture
}

let cardOrder = ProductSpec(trim: try! TrimSize(parsing: "85x55mm"), bleed: .millimetres(3), safety: .millimetres(3), pages: .exactly(1))

@Suite struct PageAndBoxCheckTests {
    @Test func aCorrectCardPassesEveryCheck() throws {
        let report = try preflight(card(), product: cardOrder)
        #expect(report.findings.filter { $0.severity != .info }.isEmpty, "\(report.findings)")
        #expect(report.result == .pass)
        #expect(report.file.pages == 1 && report.file.type == "pdf" && report.file.pdfVersion == "1.4")
        #expect(abs(report.pages[0].widthPt - 85 * PDFFixture.mm) < 0.01)
        #expect(report.product.trimWidthMm == 85 && report.product.bleedMm == 3)
    }

    @Test func pageCount() throws {
        var three = card()
        three.pages = 3
        let failed = try findings("pages.count", three, product: cardOrder)
        #expect(failed.map(\.severity) == [.error])
        #expect(failed.first?.measured == "3" && failed.first?.expected == "1")
        var range = cardOrder
        range.pages = try PageCountRule(parsing: "2-4")
        #expect(try findings("pages.count", three, product: range).isEmpty)
    }

    @Test func mismatchedPageSizes() throws {
        var fixture = PDFFixture()
        fixture.pages = 2
        #expect(try findings("pages.mismatched_sizes", fixture).isEmpty)
        let mixed = try preflightTwoSizes()
        #expect(mixed.map(\.page) == [2])
        #expect(mixed.first?.severity == .warning)
    }

    private func preflightTwoSizes() throws -> [Finding] {
        let data = twoSizedPDF()
        let path = try makeTemporaryDirectory("sizes").appendingPathComponent("two.pdf").path
        try data.write(to: URL(fileURLWithPath: path))
        return Preflight(product: ProductSpec()).run(fileAt: path, fileName: "two.pdf").findings.filter { $0.check == "pages.mismatched_sizes" }
    }

    @Test func pageSizeAgainstTheOrder() throws {
        let wrong = try findings("page.size", card(), product: ProductSpec(trim: try TrimSize(parsing: "90x50mm")))
        #expect(wrong.count == 1)
        #expect(wrong.first?.measured == "85 x 55 mm" && wrong.first?.expected == "90 x 50 mm")
        #expect(wrong.first?.bbox != nil)
        #expect(try findings("page.size", card(), product: ProductSpec(trim: try TrimSize(parsing: "85.4x55.3mm"))).isEmpty,
                "within the 0.5 mm tolerance")
        #expect(try findings("page.size", card(), product: ProductSpec(trim: try TrimSize(parsing: "55x85mm"))).isEmpty,
                "the other orientation is accepted by default")
        var strict = PreflightProfile.basic
        strict = try strict.overriding(thresholds: ["allow_rotated": "false"])
        #expect(try findings("page.size", card(), product: ProductSpec(trim: try TrimSize(parsing: "55x85mm")), profile: strict).count == 1)
    }

    @Test func withoutTrimBoxTheMediaBoxIsTheTrim() throws {
        var fixture = PDFFixture()
        fixture.mediaBox = [0, 0, 85 * PDFFixture.mm, 55 * PDFFixture.mm]
        #expect(try findings("page.size", fixture, product: cardOrder).isEmpty)
        let missing = try findings("boxes.trim_missing", fixture)
        #expect(missing.count == 1 && missing.first?.severity == .info)
        #expect(try findings("boxes.trim_missing", fixture, profile: .pdfx1a).first?.severity == .error)
        #expect(try findings("boxes.trim_missing", card()).isEmpty)
    }

    @Test func rotation() throws {
        var rotated = card()
        rotated.rotate = 90
        #expect(try findings("page.rotation", rotated).map(\.severity) == [.info])
        #expect(try findings("page.rotation", card()).isEmpty)
    }

    @Test func trimAndArtTogether() throws {
        var both = card()
        both.artBox = both.trimBox
        #expect(try findings("boxes.trim_and_art", both, profile: .pdfx4).map(\.severity) == [.error])
        #expect(try findings("boxes.trim_and_art", card(), profile: .pdfx4).isEmpty)
    }

    @Test func nesting() throws {
        var outside = card()
        outside.trimBox = [-5, 3, 200, 100]
        let found = try findings("boxes.nesting", outside)
        #expect(found.count == 1)
        #expect(found.first?.message.contains("TrimBox") == true)
        #expect(try findings("boxes.nesting", card()).isEmpty)
    }

    @Test func mediaBoxOrigin() throws {
        var shifted = PDFFixture()
        shifted.mediaBox = [10, 10, 622, 802]
        #expect(try findings("boxes.mediabox_origin", shifted).count == 1)
        #expect(try findings("boxes.mediabox_origin", PDFFixture()).isEmpty)
    }

    @Test func boxesInheritedFromThePagesNode() throws {
        var inherited = card()
        inherited.boxesOnPagesNode = true
        let report = try preflight(inherited, product: cardOrder)
        #expect(report.pages.first?.trimBox != nil && report.pages.first?.bleedBox != nil)
        #expect(report.findings.filter { $0.severity != .info }.isEmpty, "\(report.findings)")
    }

    @Test func bleed() throws {
        var noBleed = card()
        noBleed.mediaBox = noBleed.trimBox!
        noBleed.bleedBox = nil
        let short = try findings("bleed.insufficient", noBleed, product: cardOrder)
        #expect(short.count == 1)
        #expect(short.first?.measured == "0 mm" && short.first?.expected == "3 mm")
        var oneMillimetre = card()
        let mm = PDFFixture.mm
        oneMillimetre.bleedBox = [2 * mm, 2 * mm, 89 * mm, 59 * mm]
        #expect(try findings("bleed.insufficient", oneMillimetre, product: cardOrder).first?.measured == "1 mm")
        #expect(try findings("bleed.insufficient", card(), product: cardOrder).isEmpty)
        #expect(try findings("bleed.insufficient", noBleed, product: ProductSpec()).isEmpty, "no bleed ordered, none needed")
    }
}

@Suite struct FontAndDocumentCheckTests {
    @Test func unembeddedStandardFontIsAnError() throws {
        var fixture = card()
        fixture.font = .helvetica
        let found = try findings("fonts.not_embedded", fixture)
        #expect(found.map(\.severity) == [.error])
        #expect(found.first?.message.contains("Helvetica") == true)
        #expect(found.first?.page == 1)
        #expect(try findings("fonts.not_embedded", card()).isEmpty)
    }

    @Test(.needsCorpus) func embeddedFontsPass() throws {
        let report = Preflight(product: ProductSpec()).run(fileAt: Corpus.file("fc_text_only_fontsEmbeddedSubset.pdf").path, fileName: "x.pdf")
        #expect(report.findings.filter { $0.check == "fonts.not_embedded" }.isEmpty)
        #expect(report.fonts.allSatisfy(\.embedded) && !report.fonts.isEmpty)
    }

    @Test func type3Font() throws {
        var fixture = card()
        fixture.font = .type3
        #expect(try findings("fonts.type3", fixture).map(\.severity) == [.warning])
        #expect(try findings("fonts.type3", card()).isEmpty)
        let relaxed = try PreflightProfile.basic.overriding(thresholds: [:], severities: ["fonts.type3": "info"])
        #expect(try findings("fonts.type3", fixture, profile: relaxed).map(\.severity) == [.info])
    }

    static func pdfx(_ change: (inout PDFFixture) -> Void = { _ in }) -> PDFFixture {
        var fixture = card()
        fixture.version = "1.3"
        fixture.outputIntent = "FOGRA39"
        fixture.info = ["Title": "Card", "ModDate": "D:20261123120000Z", "Trapped": "False", "GTS_PDFXVersion": "PDF/X-1a:2001",
                        "GTS_PDFXConformance": "PDF/X-1a:2001"]
        change(&fixture)
        return fixture
    }

    @Test func aPDFX1aFilePassesThePDFXProfile() throws {
        let report = try preflight(Self.pdfx(), product: cardOrder, profile: .pdfx1a)
        #expect(report.findings.filter { $0.severity != .info }.isEmpty, "\(report.findings)")
        #expect(report.file.pdfx == "PDF/X-1a:2001")
    }

    @Test func outputIntent() throws {
        #expect(try findings("pdfx.output_intent", Self.pdfx { $0.outputIntent = nil }, profile: .pdfx1a).map(\.severity) == [.error])
        #expect(try findings("pdfx.output_intent", Self.pdfx { $0.outputIntent = "" }, profile: .pdfx1a).first?.message
            .contains("OutputConditionIdentifier") == true)
        #expect(try findings("pdfx.output_intent", card()).isEmpty, "basic does not ask for PDF/X of a file that does not claim it")
        let two = try findings("pdfx.output_intent", Self.pdfx { $0.extraOutputIntents = ["GRACoL"] }, profile: .pdfx1a)
        #expect(two.map(\.message) == ["The file has 2 GTS_PDFX output intents (FOGRA39, GRACoL); PDF/X allows one printing condition"])
        #expect(two.map(\.severity) == [.error])
        // PDF/X-4: the intent must carry the profile itself.
        let x4 = { (profile: Data?) in
            Self.pdfx { fixture in
                fixture.version = "1.6"
                fixture.info["GTS_PDFXVersion"] = "PDF/X-4"
                fixture.hasMetadata = true
                fixture.outputIntentProfile = profile
            }
        }
        #expect(try findings("pdfx.output_intent", x4(nil), profile: .pdfx4).first?.message
            == "The GTS_PDFX output intent FOGRA39 embeds no ICC profile; PDF/X-4 requires the profile itself")
        let profile = try Data(contentsOf: URL(fileURLWithPath: OutputProfile.defaultPath))
        #expect(try findings("pdfx.output_intent", x4(profile), profile: .pdfx4).isEmpty)
        #expect(try findings("pdfx.output_intent", Self.pdfx(), profile: .pdfx1a).isEmpty, "X-1a may name a registered condition only")
    }

    @Test func conformance() throws {
        let missing = try findings("pdfx.conformance", Self.pdfx { $0.info["GTS_PDFXConformance"] = nil }, profile: .pdfx1a)
        #expect(missing.map(\.message) == ["The file claims PDF/X-1a:2001 but does not say which conformance level (GTS_PDFXConformance)"])
        #expect(missing.map(\.severity) == [.error])
        #expect(try findings("pdfx.conformance", Self.pdfx(), profile: .pdfx1a).isEmpty)
        let noXMP = Self.pdfx { $0.info["GTS_PDFXVersion"] = "PDF/X-4"; $0.version = "1.6" }
        #expect(try findings("pdfx.conformance", noXMP, profile: .pdfx4).map(\.message) == ["The file claims PDF/X-4 but has no XMP metadata, which PDF/X-4 requires"])
        #expect(try findings("pdfx.conformance", Self.pdfx { $0.info["GTS_PDFXVersion"] = "PDF/X-4"; $0.version = "1.6"; $0.hasMetadata = true }, profile: .pdfx4).isEmpty)
        #expect(try findings("pdfx.conformance", card()).isEmpty, "nothing claimed, nothing asked")
    }

    @Test func version() throws {
        #expect(try findings("pdfx.version", Self.pdfx { $0.version = "1.4" }, profile: .pdfx1a).first?.expected == "≤ 1.3",
                "X-1a:2001 allows PDF 1.3")
        #expect(try findings("pdfx.version", Self.pdfx { $0.version = "1.7"; $0.info["GTS_PDFXVersion"] = "PDF/X-4" },
                             profile: .pdfx4).count == 1)
        #expect(try findings("pdfx.version", Self.pdfx(), profile: .pdfx1a).isEmpty)
    }

    @Test func infoKeys() throws {
        let found = try findings("pdfx.info", Self.pdfx { $0.info = ["Title": "Card"] }, profile: .pdfx1a)
        #expect(found.count == 1)
        #expect(found.first?.measured?.contains("GTS_PDFXVersion") == true)
        #expect(found.first?.measured?.contains("Trapped") == true)
    }

    @Test func documentID() throws {
        var noID = card()
        noID.hasDocumentID = false
        #expect(try findings("pdf.document_id", noID).map(\.severity) == [.info])
        #expect(try findings("pdf.document_id", noID, profile: .pdfx1a).map(\.severity) == [.error])
        #expect(try findings("pdf.document_id", card()).isEmpty)
    }

    @Test func annotationsInsideTheTrim() throws {
        var inside = card()
        inside.annotation = [50, 50, 80, 80]
        #expect(try findings("pdf.annotations", inside).map(\.severity) == [.warning])
        var outside = card()
        outside.annotation = [0, 0, 4, 4]
        #expect(try findings("pdf.annotations", outside).isEmpty, "in the bleed, outside the trim")
    }

    @Test func formsAndJavaScript() throws {
        var form = card()
        form.hasFormField = true
        #expect(try findings("pdf.forms", form).map(\.severity) == [.info])
        var script = card()
        script.hasJavaScript = true
        #expect(try findings("pdf.javascript", script).map(\.severity) == [.warning])
        #expect(try findings("pdf.forms", card()).isEmpty && findings("pdf.javascript", card()).isEmpty)
    }
}

@Suite struct FileCheckTests {
    @Test(.needsCorpus) func damagedAndEncryptedFilesEndAsFindingsNotCrashes() {
        let damaged = Preflight(product: ProductSpec()).run(fileAt: Corpus.file("fc_minimal_test.pdf").path, fileName: "x.pdf")
        #expect(damaged.findings.map(\.check) == ["file.unreadable"])
        #expect(damaged.result == .fail)
        let encrypted = Preflight(product: ProductSpec()).run(fileAt: Corpus.file("fc_encryption_openpassword.pdf").path, fileName: "y.pdf")
        #expect(encrypted.findings.map(\.check) == ["file.encrypted"])
        #expect(encrypted.file.encrypted)
        #expect(encrypted.result == .fail)
    }

    @Test(.needsCorpus) func encryptedWithoutUserPasswordIsReportedButReadable() {
        // fc_encryption_noprinting.pdf opens without a password; its permissions are restricted.
        let report = Preflight(product: ProductSpec()).run(fileAt: Corpus.file("fc_encryption_noprinting.pdf").path, fileName: "z.pdf")
        let finding = report.findings.first { $0.check == "file.encrypted" }
        #expect(finding?.severity == .warning)
        #expect(report.file.pages != nil)
    }

    @Test func damageQPDFWorksAroundIsAnError() throws {
        let sound = try preflight(card().data())
        #expect(!sound.findings.contains { $0.check == "file.damaged" })

        // A rebuilt cross-reference table: all content is there, but in a hot folder a copy probably broke off.
        let repaired = try preflight(HostileFiles.brokenCrossReference(card().data())).findings.filter { $0.check == "file.damaged" }
        #expect(repaired.map(\.severity) == [.error])
        #expect(repaired.first?.message.contains("had to be repaired to open") == true)
        #expect(repaired.first?.message.contains("xref") == true, "qpdf's own words say what was wrong")

        // A content stream that does not inflate: what prints is not what was made.
        let lost = try preflight(HostileFiles.undecodableContent()).findings.filter { $0.check == "file.damaged" }
        #expect(lost.map(\.severity) == [.error])
        #expect(lost.first?.message.contains("parts of it cannot be read") == true)
        #expect(lost.first?.message.contains("error decoding stream data") == true)

        // A shop that takes repaired files says so per folder.
        let lenient = try PreflightProfile.basic.overriding(thresholds: [:], severities: ["file.damaged": "warning"])
        let path = try makeTemporaryDirectory("lenient").appendingPathComponent("file.pdf").path
        try HostileFiles.brokenCrossReference(card().data()).write(to: URL(fileURLWithPath: path))
        let report = Preflight(product: ProductSpec(), profile: lenient).run(fileAt: path, fileName: "file.pdf")
        #expect(report.findings.filter { $0.check == "file.damaged" }.map(\.severity) == [.warning])
        #expect(report.result == .warn)
    }

    @Test func aFileWithoutPagesFailsWhateverTheOrder() throws {
        let empty = HostileFiles.pdf(objects: [Data("<< /Type /Catalog /Pages 2 0 R >>".utf8), Data("<< /Type /Pages /Kids [] /Count 0 >>".utf8)])
        let found = try preflight(empty).findings.filter { $0.check == "pages.count" }
        #expect(found.map(\.message) == ["The file has no pages"])
        #expect(found.map(\.severity) == [.error])
    }

    @Test func notArtwork() throws {
        let path = try makeTemporaryDirectory("type").appendingPathComponent("notes.pdf").path
        try Data("hello".utf8).write(to: URL(fileURLWithPath: path))
        #expect(Preflight(product: ProductSpec()).run(fileAt: path, fileName: "notes.pdf").findings.map(\.check) == ["file.type_unsupported"])
    }

    @Test func reportJSONHasTheContractFields() throws {
        let report = try preflight(card(), product: cardOrder)
        let object = try #require(try JSONSerialization.jsonObject(with: report.jsonData()) as? [String: Any])
        for key in ["schemaVersion", "result", "file", "product", "pages", "fonts", "spotColors", "findings", "engine", "durationMs"] {
            #expect(object[key] != nil, "report lacks \(key)")
        }
        let file = try #require(object["file"] as? [String: Any])
        for key in ["name", "bytes", "type", "pdfVersion", "pages", "encrypted"] { #expect(file[key] != nil, "file lacks \(key)") }
        let page = try #require((object["pages"] as? [[String: Any]])?.first)
        for key in ["number", "widthPt", "heightPt", "mediaBox", "cropBox", "trimBox", "bleedBox", "artBox", "images"] {
            #expect(page.keys.contains(key), "page lacks \(key)")
        }
        #expect(page["cropBox"] is NSNull, "an absent box is null")
        #expect((page["trimBox"] as? [Double])?.count == 4)
        let engine = try #require(object["engine"] as? [String: Any])
        #expect((engine["qpdf"] as? String)?.isEmpty == false && (engine["poppler"] as? String)?.isEmpty == false)
    }

    @Test func everyCheckHasAUniqueStableID() {
        let ids = PreflightCatalogue.ids
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { $0.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "." || $0 == "_" } })
        #expect(ids.contains("transparency") && ids.contains("images.low_resolution") && ids.contains("color.rgb"))
    }
}

/// Two pages of different sizes: page 1 letter, page 2 A4 (hand-written; the fixture builder makes one size).
func twoSizedPDF() -> Data {
    HostileFiles.pdf(objects: [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.276 841.89] >>",
    ].map { Data($0.utf8) })
}

@Suite struct ReportHTMLTests {
    @Test func groupsFindingsBySeverityAndEmbedsThumbnails() throws {
        var fixture = card()
        fixture.pages = 2
        fixture.font = .helvetica
        let path = try makeTemporaryDirectory("html").appendingPathComponent("card <1>.pdf").path
        try fixture.data().write(to: URL(fileURLWithPath: path))
        let report = Preflight(product: cardOrder).run(fileAt: path, fileName: "card <1>.pdf")
        let html = ReportHTML.page(for: report, fileAt: path).render()
        #expect(html.contains("card &lt;1&gt;.pdf"), "names are escaped")
        #expect(html.contains("<h2 class=\"error\">Errors"))
        #expect(html.contains("fonts.not_embedded"))
        #expect(html.components(separatedBy: "data:image/png;base64,").count - 1 == 2, "one thumbnail per page")
        #expect(!html.contains("src=\"http"), "self-contained")
    }

    @Test func theOrderedFinishingIsInTheReportAndItsPage() throws {
        let path = try makeTemporaryDirectory("html").appendingPathComponent("card.pdf").path
        try card().data().write(to: URL(fileURLWithPath: path))
        var order = cardOrder
        order.finishing = ["matt-laminate", "rounded corners"]
        let report = Preflight(product: order).run(fileAt: path, fileName: "card.pdf")
        #expect(report.product.finishing == ["matt-laminate", "rounded corners"])
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(report)) as? [String: Any]
        #expect((json?["product"] as? [String: Any])?["finishing"] as? [String] == ["matt-laminate", "rounded corners"])
        #expect(ReportHTML.page(for: report, fileAt: path).render().contains("finishing: matt-laminate, rounded corners"))
        #expect(Preflight(product: cardOrder).run(fileAt: path, fileName: "card.pdf").product.finishing == nil)
    }
}

@Suite struct CheckDocumentationTests {
    @Test func everyCheckIsDocumented() throws {
        let doc = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/preflight-checks.md")
        let text = try String(contentsOf: doc, encoding: .utf8)
        for id in PreflightCatalogue.ids {
            #expect(text.contains("| \(id) |"), "docs/preflight-checks.md lacks \(id)")
        }
    }
}
