import Foundation
import Pipeline
import TestFixtures
import Testing

/// Checks that judge what the content streams draw: images, colours, transparency, external references.
@Suite struct ContentCheckTests {
    /// A card with one image of `widthPx` x `heightPx` placed at `widthPt` x `heightPt`.
    func cardWithImage(_ widthPx: Int, _ heightPx: Int, placedAt widthPt: Double, _ heightPt: Double,
                       colorSpace: String = "/DeviceCMYK", depth: Int = 0, extra: String = "") -> PDFFixture {
        var fixture = card()
        fixture.image = PDFFixture.Image(widthPx: widthPx, heightPx: heightPx, colorSpace: colorSpace, extra: extra)
        fixture.imagePlacement = [widthPt, 0, 0, heightPt, 20, 20]
        fixture.imageFormDepth = depth
        return fixture
    }

    @Test func effectiveResolutionFromThePlacementMatrix() throws {
        // 100 px across 72.9 pt is 98.77 ppi: Poppler's mapping would round the placed size to 73 pt.
        let report = try preflight(cardWithImage(100, 125, placedAt: 72.9, 90.88), product: cardOrder)
        let image = try #require(report.pages.first?.images.first)
        #expect(abs(image.ppiX - 98.8) < 0.05 && abs(image.ppiY - 99.0) < 0.05)
        #expect(image.widthPx == 100 && image.heightPx == 125 && image.colorSpace == "DeviceCMYK")
        let low = report.findings.filter { $0.check == "images.low_resolution" }
        #expect(low.map(\.severity) == [.error])
        #expect(low.first?.measured == "99 ppi" && low.first?.expected == "≥ 150 ppi")
        #expect(low.first?.bbox != nil)
    }

    @Test func resolutionLevels() throws {
        // 200 ppi: a warning; 300 ppi: fine; 900 ppi: over-resolution warning.
        #expect(try findings("images.low_resolution", cardWithImage(200, 200, placedAt: 72, 72)).map(\.severity) == [.warning])
        #expect(try findings("images.low_resolution", cardWithImage(300, 300, placedAt: 72, 72)).isEmpty)
        #expect(try findings("images.over_resolution", cardWithImage(900, 900, placedAt: 72, 72)).map(\.severity) == [.warning])
        #expect(try findings("images.over_resolution", cardWithImage(300, 300, placedAt: 72, 72)).isEmpty)
        let strict = try PreflightProfile.basic.overriding(thresholds: ["min_image_ppi": "250"])
        #expect(try findings("images.low_resolution", cardWithImage(200, 200, placedAt: 72, 72), profile: strict).map(\.severity) == [.error])
    }

    @Test func imagesInsideNestedFormsUseTheCombinedMatrix() throws {
        // Three forms deep, each scaling by 2; the page matrix compensates, so the image still covers 72 pt.
        let report = try preflight(cardWithImage(300, 150, placedAt: 72, 72, depth: 3))
        let image = try #require(report.pages.first?.images.first)
        #expect(abs(image.ppiX - 300) < 0.01 && abs(image.ppiY - 150) < 0.01)
        #expect(report.findings.filter { $0.check == "images.low_resolution" }.map(\.severity) == [.warning])
    }

    @Test func rgbInOperatorsAndImages() throws {
        var operators = card()
        operators.content = "1 0 0 rg 10 10 50 50 re f"
        let found = try findings("color.rgb", operators)
        #expect(found.map(\.severity) == [.info], "basic reports RGB, it does not forbid it")
        #expect(found.first?.message.contains("rg") == true)
        #expect(try findings("color.rgb", operators, profile: .pdfx1a).map(\.severity) == [.error])
        let rgbImage = cardWithImage(300, 300, placedAt: 72, 72, colorSpace: "/DeviceRGB")
        #expect(try findings("color.rgb", rgbImage, profile: .pdfx1a).first?.bbox != nil)
        #expect(try findings("color.rgb", card(), profile: .pdfx1a).isEmpty, "a CMYK card has no RGB")
    }

    @Test func rgbHiddenInAForm() throws {
        var fixture = cardWithImage(300, 300, placedAt: 72, 72, colorSpace: "[/Indexed /DeviceRGB 1 <000000FFFFFF>]", depth: 2)
        fixture.content = "0 0 0 1 k 0 0 10 10 re f"
        #expect(try findings("color.rgb", fixture, profile: .pdfx1a).count == 1)
    }

    @Test func spotDeviceNRegistrationAndGray() throws {
        var fixture = card()
        let tint = "<< /FunctionType 2 /Domain [0 1] /C0 [0 0 0 0] /C1 [0 1 1 0] /N 1 >>"
        fixture.resources = "/ColorSpace << /Spot [/Separation /PANTONE#201788#20M /DeviceCMYK \(tint)] "
            + "/Reg [/Separation /All /DeviceCMYK \(tint)] "
            + "/Dn [/DeviceN [/Cyan /Spot_UV] /DeviceCMYK \(tint)] >>"
        fixture.content = "/Spot cs 1 scn 0 0 10 10 re f /Dn cs 1 1 scn 0 0 5 5 re f /Reg CS 1 SCN 0 0 m 5 5 l S 0.5 g 1 1 2 2 re f"
        let report = try preflight(fixture)
        #expect(report.spotColors == ["PANTONE 1788 M", "Spot_UV"])
        #expect(report.findings.first { $0.check == "color.spot" }?.measured == "PANTONE 1788 M, Spot_UV")
        #expect(report.findings.first { $0.check == "color.devicen" }?.measured == "Cyan, Spot_UV")
        #expect(report.findings.first { $0.check == "color.registration" }?.severity == .warning)
        #expect(report.findings.first { $0.check == "color.gray" }?.severity == .info)
        #expect(try findings("color.spot", card()).isEmpty && findings("color.registration", card()).isEmpty)
        #expect(try findings("color.devicen", card()).isEmpty && findings("color.gray", card()).isEmpty, "the card is CMYK only")
    }

    @Test func transparency() throws {
        var fixture = card()
        fixture.resources = "/ExtGState << /GS1 << /ca 0.5 >> /GS2 << /BM /Multiply >> >>"
        fixture.content = "/GS1 gs 0 0 0 1 k 0 0 10 10 re f /GS2 gs 0 0 5 5 re f"
        let found = try findings("transparency", fixture, profile: .pdfx1a)
        #expect(found.map(\.severity) == [.error])
        #expect(found.first?.message.contains("fill opacity 0.5") == true)
        #expect(found.first?.message.contains("blend mode Multiply") == true)
        #expect(try findings("transparency", fixture, profile: .pdfx4).map(\.severity) == [.info], "PDF/X-4 allows live transparency")
        var opaque = card()
        opaque.resources = "/ExtGState << /GS1 << /ca 1 /BM /Normal >> >>"
        opaque.content = "/GS1 gs 0 0 10 10 re f"
        #expect(try findings("transparency", opaque, profile: .pdfx1a).isEmpty)
    }

    @Test func externalStreams() throws {
        let external = cardWithImage(10, 10, placedAt: 72, 72, extra: "/F (artwork.tif)")
        #expect(try findings("pdf.external_refs", external, profile: .pdfx1a).map(\.severity) == [.error])
        #expect(try findings("pdf.external_refs", card(), profile: .pdfx1a).isEmpty)
    }

    @Test func aRunawayFormNestingIsBoundedNotFatal() throws {
        // 200 forms deep: the walk stops at its depth limit and the report still comes back.
        let report = try preflight(cardWithImage(300, 300, placedAt: 72, 72, depth: 200))
        #expect(report.file.pages == 1)
        #expect(report.pages.first?.images.isEmpty == true, "the image lies beyond the depth limit")
        let nesting = report.findings.filter { $0.check == "pdf.xobject_nesting" }
        #expect(nesting.map(\.severity) == [.error])
        #expect(nesting.first?.measured == "more than 32 levels")
    }

    @Test func formsThatDrawThemselvesAreRefused() throws {
        // Three forms, the third drawing the first again: a loop a viewer cuts and a RIP may not.
        let report = try preflight(HostileFiles.deeplyNestedForms(depth: 3), named: "loop.pdf")
        let nesting = report.findings.filter { $0.check == "pdf.xobject_nesting" }
        #expect(nesting.map(\.severity) == [.error])
        #expect(nesting.first?.message == "Page 1: F draws itself again (a loop of forms or patterns)")
        #expect(report.result == .fail)
    }

    @Test func reasonableFormNestingPasses() throws {
        #expect(try findings("pdf.xobject_nesting", cardWithImage(300, 300, placedAt: 72, 72, depth: 5)).isEmpty)
        #expect(try findings("pdf.xobject_nesting", card()).isEmpty)
    }
}

@Suite struct SafetyTextTests {
    /// A card (trim 8.5 pt in from the sheet edge) with "Hello" at `x`, `y` in 9 pt Helvetica.
    func card(textAt x: Double, _ y: Double) -> PDFFixture {
        var fixture = PipelineTests.card()
        fixture.font = .helvetica
        fixture.content = "0 0 0 1 k BT /F1 9 Tf \(x) \(y) Td (Hello) Tj ET"
        return fixture
    }

    @Test func textInsideTheSafetyLinePasses() throws {
        #expect(try findings("safety.text", card(textAt: 60, 80), product: cardOrder).isEmpty)
    }

    @Test func textBetweenTrimAndSafetyLineIsFound() throws {
        // Trim starts at 8.5 pt, the safety line 8.5 pt further in (17 pt): text at x = 11 pt crosses it.
        let found = try findings("safety.text", card(textAt: 11, 80), product: cardOrder)
        #expect(found.count == 1)
        #expect(found.first?.page == 1)
        let box = try #require(found.first?.bbox)
        #expect(box.x0 >= 10 && box.x0 < 17, "box \(box)")
        #expect(found.first?.expected == "≥ 3 mm inside the trim")
    }

    @Test func noSafetyOrderedNoCheck() throws {
        #expect(try findings("safety.text", card(textAt: 11, 80), product: ProductSpec()).isEmpty)
    }
}

@Suite struct BleedContentTests {
    let mm = PDFFixture.mm

    func card(drawing content: String) -> PDFFixture {
        var fixture = PipelineTests.card()
        fixture.content = content
        return fixture
    }

    @Test func artworkRunningIntoTheBleedPasses() throws {
        // The default card band starts at the sheet edge: 3 mm past the trim on the left, right and bottom.
        #expect(try findings("bleed.content_missing", PipelineTests.card(), product: cardOrder).isEmpty)
    }

    @Test func artworkStoppingAtTheTrimIsFound() throws {
        // A black box from the trim corner (3 mm, 3 mm) inwards: it touches the left and bottom trim edges.
        let found = try findings("bleed.content_missing", card(drawing: "0 0 0 1 k \(3 * mm) \(3 * mm) 100 30 re f"), product: cardOrder)
        #expect(found.count == 1)
        #expect(found.first?.message.contains("bottom, left") == true)
        let box = try #require(found.first?.bbox)
        #expect(box.x1 <= 3 * mm + 0.01 || box.y1 <= 3 * mm + 0.01, "the gap lies in the bleed: \(box)")
    }

    @Test func artworkStoppingShortOfTheTrimNeedsNoBleed() throws {
        #expect(try findings("bleed.content_missing", card(drawing: "0 0 0 1 k 30 30 100 30 re f"), product: cardOrder).isEmpty)
    }

    @Test func imagesCountToo() throws {
        var fixture = PipelineTests.card()
        fixture.content = "% no vector artwork"
        fixture.image = PDFFixture.Image(widthPx: 20, heightPx: 20, colorSpace: "/DeviceGray")
        fixture.imagePlacement = [60, 0, 0, 60, 88 * mm - 60, 20]  // right edge exactly on the trim
        let found = try findings("bleed.content_missing", fixture, product: cardOrder)
        #expect(found.first?.message.contains("right") == true, "\(found)")
    }
}

/// /Rotate turns what Poppler renders and lays out; checks judged in PDF space must not care.
@Suite struct RotatedPageTests {
    @Test(arguments: [0, 90, 180, 270])
    func safetyAndBleedFindingsDoNotDependOnRotation(rotation: Int) throws {
        var fixture = card()
        fixture.rotate = rotation
        fixture.font = .helvetica
        // Text crossing the left safety line; a box from the trim corner touching the left and bottom trim edges.
        fixture.content = "0 0 0 1 k BT /F1 9 Tf 11 80 Td (Hello) Tj ET \(3 * PDFFixture.mm) \(3 * PDFFixture.mm) 100 30 re f"
        let report = try preflight(fixture, product: cardOrder)
        let safety = report.findings.filter { $0.check == "safety.text" }
        #expect(safety.count == 1)
        #expect((safety.first?.bbox?.x0 ?? 0) >= 10 && (safety.first?.bbox?.x0 ?? 0) < 17, "\(String(describing: safety.first?.bbox))")
        let bleed = report.findings.filter { $0.check == "bleed.content_missing" }
        #expect(bleed.first?.message.contains("bottom, left") == true, "\(bleed)")
    }
}
