import Foundation
import Pipeline
import TestFixtures
import Testing

/// The proof's lines land on the right pixels: a generated card with a known trim, rendered at 72 ppi so
/// that one point is one pixel.
@Suite struct ProofOverlayTests {
    func proof(_ fixture: PDFFixture, product: ProductSpec, findings: [Finding] = []) throws -> PNGPixels {
        let directory = try makeTemporaryDirectory("overlay")
        let pdf = directory.appendingPathComponent("card.pdf")
        try fixture.data().write(to: pdf)
        _ = try ProofRenderer(pixelsPerInch: 72, product: product, findings: findings).renderPages(ofPDFAt: pdf.path, into: directory)
        return try PNGPixels(contentsOf: directory.appendingPathComponent("page-1.png").path)
    }

    /// The card with nothing drawn, so the overlay is all there is.
    func blankCard() -> PDFFixture {
        var fixture = card()
        fixture.content = "% blank"
        return fixture
    }

    @Test func trimLineSolidAtTheTrimBox() throws {
        // Trim 3 mm = 8.5 pt in from the sheet edge; the top trim line spans rows 8 to 9 (1 px wide at 8.5).
        let pixels = try proof(blankCard(), product: cardOrder)
        let onLine = pixels.at(120, 8)
        #expect(onLine.b > 150 && onLine.r < 120, "blue trim line at row 8: \(onLine)")
        let left = pixels.at(8, 80)
        #expect(left.b > 150 && left.r < 120, "blue trim line at column 8: \(left)")
        let inside = pixels.at(120, 40)
        #expect(inside == (255, 255, 255), "paper inside the trim")
    }

    @Test func bleedZoneShaded() throws {
        let pixels = try proof(blankCard(), product: cardOrder)
        let bleed = pixels.at(3, 80)
        #expect(bleed.r > 240 && bleed.g < 235 && bleed.b > bleed.g, "pink bleed zone: \(bleed)")
    }

    @Test func safetyLineDashedInsideTheTrim() throws {
        // Safety 3 mm inside the trim: 17 pt from the sheet edge; dashed, so some pixels on the line are paper.
        let pixels = try proof(blankCard(), product: cardOrder)
        let row = (30..<230).map { pixels.at($0, 17) }
        let green = row.filter { $0.g > $0.r + 40 && $0.g > $0.b + 20 }
        #expect(!green.isEmpty, "green safety line on row 17")
        #expect(green.count < row.count, "dashed, not solid")
        #expect(pixels.at(120, 14) == (255, 255, 255))
    }

    @Test func findingsAreOutlinedWhereTheirBoxIs() throws {
        let finding = Finding(check: "images.low_resolution", severity: .error, page: 1, message: "soft",
                              bbox: PDFRect(x0: 100, y0: 60, x1: 150, y1: 100))
        let pixels = try proof(blankCard(), product: cardOrder, findings: [finding])
        // Box edge x = 100 pt -> column 100 (2 pt wide: 99..101); y1 = 100 pt -> row 173 - 100 = 73.
        let edge = pixels.at(100, 85)
        #expect(edge.r > 150 && edge.g < 100, "red outline at column 100: \(edge)")
        let top = pixels.at(140, 73)
        #expect(top.r > 150 && top.g < 100, "red outline at row 73: \(top)")
    }

    @Test func legendBandUnderThePage() throws {
        let pixels = try proof(blankCard(), product: cardOrder)
        #expect(pixels.height == 173 + 28)
        let band = pixels.at(250, 173 + 2)
        #expect(band.r == band.g && band.r < 255 && band.r > 230, "light gray legend band: \(band)")
    }

    @Test func aCirclesCutLineIsDrawnRoundAndTheCornersAreBleed() throws {
        // The sticker at 72 ppi: 54 mm = 153 px, the circle centred at 76.5 px with a radius of 25 mm = 70.9 px.
        let pixels = try proof(sticker("% blank"), product: stickerOrder)
        let (centre, radius) = (27 * PDFFixture.mm, 25 * PDFFixture.mm)
        for degrees in stride(from: 0.0, to: 360, by: 15) {
            let angle = degrees * .pi / 180
            #expect(pixels.hasCutLine(near: centre + radius * cos(angle), centre - radius * sin(angle)), "on the circle at \(degrees)°")
        }
        // The trim's corners are no cut: no blue there, the bleed zone's pink instead.
        let trimCorner = 2 * PDFFixture.mm
        for (x, y) in [(trimCorner, trimCorner), (153 - trimCorner, trimCorner), (trimCorner, 153 - trimCorner), (153 - trimCorner, 153 - trimCorner)] {
            #expect(!pixels.hasCutLine(near: x, y), "no line at the trim's corner \(x), \(y)")
            let pixel = pixels.at(Int(x) + 3, Int(y) + 3)
            #expect(pixel.r > 240 && pixel.g < 235, "bleed shading past the circle: \(pixel)")
        }
        #expect(pixels.at(76, 76) == (255, 255, 255), "paper inside")
    }

    @Test func aCustomShapesOwnDielineIsTheProofsCutLine() throws {
        // A diamond drawn in CutContour, its corners at the middle of each trim edge.
        let mm = PDFFixture.mm
        var fixture = sticker("/Cut CS 1 SCN 0.25 w \(27 * mm) \(2 * mm) m \(52 * mm) \(27 * mm) l \(27 * mm) \(52 * mm) l \(2 * mm) \(27 * mm) l h S")
        fixture.resources = "/ColorSpace << /Cut [/Separation /CutContour /DeviceCMYK << /FunctionType 2 /Domain [0 1] /C0 [0 0 0 0] /C1 [0 1 0 0] /N 1 >>] >>"
        var custom = stickerOrder
        custom.shape = .custom
        let pixels = try proof(fixture, product: custom)
        // Halfway along the lower left edge: (14.5 mm, 14.5 mm) in PDF space, row 153 - 41.1 in the image.
        #expect(pixels.hasCutLine(near: 14.5 * mm, 153 - 14.5 * mm), "the diamond's edge is drawn")
        #expect(!pixels.hasCutLine(near: 2 * mm, 153 - 14.5 * mm), "the trim's edge is not the cut")
        let outside = pixels.at(Int(6 * mm), Int(153 - 6 * mm))
        #expect(outside.r > 240 && outside.g < 235, "outside the diamond is bleed: \(outside)")
    }

    @Test func proofSetWritesThumbnailAndSheet() throws {
        let directory = try makeTemporaryDirectory("proof-set")
        let pdf = directory.appendingPathComponent("card.pdf")
        try PDFFixture.businessCard(pages: 2).write(to: pdf)
        let report = Preflight(product: cardOrder).run(fileAt: pdf.path, fileName: "card.pdf")
        let pages = try ProofSet(pixelsPerInch: 150, product: cardOrder, externalId: "ORD-1")
            .write(pdfAt: pdf.path, fileName: "card.pdf", report: report, into: directory)
        #expect(pages == ["page-1.png", "page-2.png"])
        let thumbnail = try PNGPixels(contentsOf: directory.appendingPathComponent(ProofSet.thumbnailName).path)
        #expect(max(thumbnail.width, thumbnail.height) == 300)
        let sheet = directory.appendingPathComponent(ProofSet.sheetName).path
        #expect(try ArtworkKind.sniff(fileAt: sheet) == .pdf)
        #expect(try PDFStructureReader().read(fileAt: sheet).pages.count == 3, "a summary page and one page per proof page")
    }
}
