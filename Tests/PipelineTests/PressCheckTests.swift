import Foundation
import Pipeline
import TestFixtures
import Testing

/// The checks prepress expects beyond the order: overprint, ink, hairlines, small and rich-black text,
/// image encodings, and colour counted where it is painted. Each with a file that passes and one that fails.
@Suite struct PressCheckTests {
    func drawing(_ content: String, resources: String = "") -> PDFFixture {
        var fixture = card()
        fixture.content = content
        fixture.resources = resources
        return fixture
    }

    let overprint = "/ExtGState << /OP << /OP true /op true /OPM 0 >> /OP1 << /OP true /op true /OPM 1 >> >>"

    @Test func whiteSetToOverprintVanishes() throws {
        let white = try findings("color.overprint_white", drawing("/OP gs 0 0 0 0 k 10 10 50 20 re f", resources: overprint))
        #expect(white.map(\.severity) == [.error])
        #expect(white.first?.message == "Page 1 has 1 white object(s) set to overprint; they will not print")
        let box = try #require(white.first?.bbox)
        #expect(abs(box.x0 - 10) < 0.01 && abs(box.x1 - 60) < 0.01, "the outline on the proof is the object's")
        #expect(try findings("color.overprint_white", drawing("0 0 0 0 k 10 10 50 20 re f")).isEmpty, "white that knocks out is fine")
        #expect(try findings("color.overprint_white", drawing("/OP gs 0 1 0 0 k 10 10 50 20 re f", resources: overprint)).isEmpty)
    }

    @Test func overprintModeIsCheckedForPDFX1a() throws {
        let zero = drawing("/OP gs 1 0 0 0 k 10 10 50 20 re f", resources: overprint)
        #expect(try findings("color.overprint_mode", zero, profile: .pdfx1a).map(\.severity) == [.warning])
        #expect(try findings("color.overprint_mode", drawing("/OP1 gs 1 0 0 0 k 10 10 50 20 re f", resources: overprint),
                             profile: .pdfx1a).isEmpty)
        #expect(try findings("color.overprint_mode", zero).isEmpty, "basic does not judge it for a file that is not X-1a")
    }

    @Test func inkCoverageAboveTheLimit() throws {
        let heavy = try findings("color.ink_coverage", drawing("0.8 0.8 0.8 1 k 10 10 50 20 re f 0 0 0 1 k 70 10 5 5 re f"))
        #expect(heavy.map(\.severity) == [.warning])
        #expect(heavy.first?.measured == "340%" && heavy.first?.expected == "≤ 300%")
        #expect(heavy.first?.bbox.map { abs($0.x0 - 10) < 0.01 } == true, "the worst object is where the finding points")
        #expect(try findings("color.ink_coverage", drawing("0.6 0.5 0.5 1 k 10 10 50 20 re f")).isEmpty)
        let strict = try PreflightProfile.basic.overriding(thresholds: ["max_ink_coverage": "240"])
        #expect(try findings("color.ink_coverage", drawing("0.6 0.5 0.5 1 k 10 10 50 20 re f"), profile: strict).count == 1)
        // A CMYK image's darkest pixel counts too.
        var image = card()
        image.image = PDFFixture.Image(widthPx: 4, heightPx: 4, colorSpace: "/DeviceCMYK")
        image.content = ""
        // The fixture's image data is "A" (65) in every sample: 4 x 65 / 255 = 102%.
        #expect(try findings("color.ink_coverage", image, profile: try PreflightProfile.basic.overriding(thresholds: ["max_ink_coverage": "100"])).first?.measured == "102%")
    }

    @Test func hairlinesAfterTheMatrix() throws {
        // 1 pt wide, scaled to a tenth: 0.1 pt as printed.
        let thin = try findings("lines.hairline", drawing("q 0.1 0 0 0.1 0 0 cm 1 w 0 0 1 RG 100 100 m 500 100 l S Q"))
        #expect(thin.map(\.severity) == [.warning])
        #expect(thin.first?.measured == "0.1 pt")
        #expect(try findings("lines.hairline", drawing("0 w 10 10 m 50 10 l S")).first?.measured == "0 pt (a device hairline)")
        #expect(try findings("lines.hairline", drawing("0.5 w 10 10 m 50 10 l S")).isEmpty)
        #expect(try findings("lines.hairline", drawing("0 w 10 10 50 20 re f")).isEmpty, "a fill has no line width")
    }

    @Test func smallTextAndRichBlackText() throws {
        func text(_ colour: String, size: Double, scale: Double = 1) -> PDFFixture {
            var fixture = drawing("q \(scale) 0 0 \(scale) 0 0 cm \(colour) BT /F1 \(size) Tf 20 20 Td (Hello) Tj ET Q")
            fixture.font = .helvetica
            return fixture
        }
        #expect(try findings("text.small", text("0 0 0 1 k", size: 8, scale: 0.5)).first?.measured == "4 pt")
        #expect(try findings("text.small", text("0 0 0 1 k", size: 8)).isEmpty)
        let rich = try findings("text.rich_black", text("0.6 0.4 0.4 1 k", size: 9))
        #expect(rich.map(\.severity) == [.warning])
        #expect(rich.first?.message.contains("use 100% K") == true)
        #expect(try findings("text.rich_black", text("0 0 0 1 k", size: 9)).isEmpty)
        #expect(try findings("text.rich_black", text("0.6 0.4 0.4 1 k", size: 14)).isEmpty, "large type may be rich black")
    }

    @Test func jpeg2000AndJBIG2AndSixteenBitImages() throws {
        var jpx = card()
        jpx.image = PDFFixture.Image(widthPx: 4, heightPx: 4, colorSpace: "/DeviceCMYK", extra: "/Filter /JPXDecode")
        #expect(try findings("images.compression", jpx, profile: .pdfx1a).map(\.severity) == [.error])
        #expect(try findings("images.compression", jpx, profile: .pdfx4).map(\.severity) == [.info])
        var plain = card()
        plain.image = PDFFixture.Image(widthPx: 4, heightPx: 4, colorSpace: "/DeviceCMYK")
        #expect(try findings("images.compression", plain, profile: .pdfx1a).isEmpty)

        var deep = card()
        deep.image = PDFFixture.Image(widthPx: 4, heightPx: 4, colorSpace: "/DeviceCMYK", bitsPerComponent: 16)
        #expect(try findings("images.bit_depth", deep, profile: .pdfx1a).map(\.severity) == [.error])
        #expect(try findings("images.bit_depth", deep).map(\.severity) == [.warning])
        #expect(try findings("images.bit_depth", plain).isEmpty)
    }

    @Test func colourIsCountedWhereItIsPaintedNotWhereItIsSet() throws {
        // A stray RGB colour that nothing paints with.
        #expect(try findings("color.rgb", drawing("0 0 0 rg 0 0 0 1 k 10 10 50 20 re f")).isEmpty)
        #expect(try findings("color.rgb", drawing("0 0 0 rg 10 10 50 20 re f")).count == 1)
        // Text painted with it counts.
        var text = drawing("1 0 0 rg BT /F1 9 Tf 20 20 Td (Hi) Tj ET")
        text.font = .helvetica
        #expect(try findings("color.rgb", text).count == 1)
    }

    @Test func processPlatesInASeparationAreNoSpotColours() throws {
        let resources = "/ColorSpace << /C [/Separation /Cyan /DeviceCMYK << /FunctionType 2 /Domain [0 1] /C0 [0 0 0 0] /C1 [1 0 0 0] /N 1 >>] "
            + "/P [/Separation /PANTONE#20286#20C /DeviceCMYK << /FunctionType 2 /Domain [0 1] /C0 [0 0 0 0] /C1 [1 0.6 0 0] /N 1 >>] >>"
        let spots = try findings("color.spot", drawing("/C cs 1 scn 10 10 5 5 re f /P cs 1 scn 20 10 5 5 re f", resources: resources))
        #expect(spots.first?.measured == "PANTONE 286 C")
        #expect(try findings("color.spot", drawing("/C cs 1 scn 10 10 5 5 re f", resources: resources)).isEmpty)
    }
}
