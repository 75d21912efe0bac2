import Foundation
import Pipeline
import TestFixtures
import Testing

/// A 50 mm round sticker with 2 mm bleed and 3 mm safety: the page is 54 x 54 mm, the trim 2 mm in.
let stickerOrder = ProductSpec(trim: try! TrimSize(parsing: "50x50mm"), bleed: .millimetres(2), safety: .millimetres(3),
                               pages: .exactly(1), shape: .circle)

func sticker(_ content: String) -> PDFFixture {
    var fixture = PDFFixture()
    fixture.font = content.contains("Tf") ? .helvetica : .none
    let mm = PDFFixture.mm
    fixture.mediaBox = [0, 0, 54 * mm, 54 * mm]
    fixture.bleedBox = fixture.mediaBox
    fixture.trimBox = [2 * mm, 2 * mm, 52 * mm, 52 * mm]
    fixture.content = content
    return fixture
}

/// The sticker's trim in points.
let stickerTrim = PDFRect(x0: 2 * PDFFixture.mm, y0: 2 * PDFFixture.mm, x1: 52 * PDFFixture.mm, y1: 52 * PDFFixture.mm)

/// A shape's line as content operators (m, l, c, h), for drawing artwork or a die-line in a fixture.
func operators(_ path: [CutShape.PathElement]) -> String {
    path.map { element in
        switch element {
        case .move(let x, let y): "\(x) \(y) m"
        case .line(let x, let y): "\(x) \(y) l"
        case .curve(let x1, let y1, let x2, let y2, let x, let y): "\(x1) \(y1) \(x2) \(y2) \(x) \(y) c"
        case .close: "h"
        }
    }.joined(separator: " ")
}

/// A circle of `radius` points around the sticker's centre.
func circle(radius: Double) -> CutShape {
    let centre = 27 * PDFFixture.mm
    return CutShape(bounds: PDFRect(x0: centre - radius, y0: centre - radius, x1: centre + radius, y1: centre + radius), outline: .ellipse)
}

@Suite struct CutShapeTests {
    let mm = PDFFixture.mm

    @Test func aCircleIsTheLargestOneCentredInTheTrim() {
        let shape = CutShape(product: ProductSpec(shape: .circle), trim: PDFRect(x0: 0, y0: 0, x1: 100, y1: 60))
        #expect(shape.bounds == PDFRect(x0: 20, y0: 0, x1: 80, y1: 60))
        #expect(shape.contains(x: 50, y: 30) && shape.contains(x: 50, y: 59.9))
        #expect(!shape.contains(x: 21, y: 1), "the trim's corner is outside the circle")
        let safety = shape.offset(by: -5)
        #expect(safety.bounds == PDFRect(x0: 25, y0: 5, x1: 75, y1: 55) && !safety.contains(x: 50, y: 57))
    }

    @Test func roundedCornersCutOnlyTheCorners() {
        let shape = CutShape(product: ProductSpec(shape: .roundedRectangle, cornerRadius: .points(10)), trim: PDFRect(x0: 0, y0: 0, x1: 100, y1: 60))
        #expect(shape.contains(x: 50, y: 0.5) && shape.contains(x: 0.5, y: 30), "the straight edges are the trim's")
        #expect(shape.contains(x: 5, y: 5), "7 pt from the corner's centre, within its 10 pt radius")
        #expect(!shape.contains(x: 2, y: 2), "the corner itself is cut away")
        // A radius larger than the shape allows is clamped; none at all is a rectangle.
        #expect(CutShape(bounds: PDFRect(x0: 0, y0: 0, x1: 10, y1: 10), outline: .roundedRectangle(radius: 0)).isRectangle)
    }

    @Test func samplesRunAlongTheLineWithOutwardNormals() {
        let shape = CutShape(product: ProductSpec(shape: .circle), trim: PDFRect(x0: 0, y0: 0, x1: 100, y1: 100))
        let samples = shape.samples(spacing: 1)
        #expect(abs(Double(samples.count) - 100 * Double.pi) < 2)
        for sample in samples {
            #expect(abs(hypot(sample.x - 50, sample.y - 50) - 50) < 0.001)
            #expect(abs((sample.x - 50) / 50 - sample.nx) < 0.001 && abs((sample.y - 50) / 50 - sample.ny) < 0.001)
        }
    }

    @Test func textInATrimCornerIsOutsideACirclesSafetyLine() throws {
        // 10.5 mm from the sheet's corner, on the diagonal: inside the circle (23.3 mm from its centre, radius
        // 25 mm) but outside its safety line, and well inside the trim's safety rectangle (5 mm from the edge).
        let corner = sticker("0 0 0 1 k BT /F1 9 Tf \(10.5 * mm) \(10.5 * mm) Td (Hi) Tj ET")
        let found = try findings("safety.text", corner, product: stickerOrder)
        #expect(found.count == 1)
        #expect(found.first?.message.contains("circle cut line") == true, "\(found)")
        #expect(found.first?.measured == "inside the cut line, outside the safety line")
        var square = stickerOrder
        square.shape = .rectangle
        #expect(try findings("safety.text", corner, product: square).isEmpty, "inside a rectangle's safety line")
        // Further into the corner it is cut off.
        let cutOff = sticker("0 0 0 1 k BT /F1 9 Tf \(6 * mm) \(6 * mm) Td (Hi) Tj ET")
        #expect(try findings("safety.text", cutOff, product: stickerOrder).first?.measured == "past the cut line")
        // In the middle, text is inside both.
        #expect(try findings("safety.text", sticker("0 0 0 1 k BT /F1 9 Tf \(25 * mm) \(26 * mm) Td (Hi) Tj ET"), product: stickerOrder).isEmpty)
    }

    @Test func artworkThatStopsAtTheCircleLacksBleed() throws {
        let atTheCut = sticker("0 1 1 0 k " + operators(circle(radius: 25 * mm).path) + " f")
        let found = try findings("bleed.content_missing", atTheCut, product: stickerOrder)
        #expect(found.count == 1)
        #expect(found.first?.message.contains("circle cut line") == true, "\(found)")
        // All around: every side is named.
        for side in ["left", "right", "top", "bottom"] { #expect(found.first?.message.contains(side) == true, "\(side): \(found)") }

        let pastTheCut = sticker("0 1 1 0 k " + operators(circle(radius: 27 * mm).path) + " f")
        #expect(try findings("bleed.content_missing", pastTheCut, product: stickerOrder).isEmpty)
        // The square trim's artwork reaches past the circle everywhere but where the circle touches the trim.
        let square = sticker("0 1 1 0 k \(2 * mm) \(2 * mm) \(50 * mm) \(50 * mm) re f")
        let touching = try findings("bleed.content_missing", square, product: stickerOrder)
        #expect(touching.count == 1, "the four points where the circle meets the trim")
        #expect(try findings("bleed.content_missing", sticker("0 1 1 0 k 0 0 500 500 re f"), product: stickerOrder).isEmpty)
    }

    @Test func aShapeThatDoesNotFitIsRefusedInWords() {
        let card = ProductSpec(trim: try! TrimSize(parsing: "85x55mm"), shape: .roundedRectangle, cornerRadius: .millimetres(30))
        #expect(card.shapeProblem?.contains("more than half the trim's shorter side") == true)
    }
}

/// The print-ready PDF carries a shaped product's cut line the way cutters and RIPs take it.
@Suite struct DielineTests {
    let mm = PDFFixture.mm

    func printReady(_ fixture: PDFFixture, product: ProductSpec) throws -> (path: String, text: String) {
        let directory = try makeTemporaryDirectory("dieline")
        let input = directory.appendingPathComponent("in.pdf").path
        let output = directory.appendingPathComponent("out.pdf").path
        try fixture.data().write(to: URL(fileURLWithPath: input))
        try PrintReadyPDF(product: product).write(pdfAt: input, to: output)
        // Uncompressed, with every run of white space one space, so the die-line's objects read as text.
        let readable = directory.appendingPathComponent("qdf.pdf").path
        let status = try runProgram("qpdf", ["--qdf", "--object-streams=disable", output, readable]).status
        #expect(status == 0)
        let text = try String(contentsOfFile: readable, encoding: .isoLatin1)
        return (output, text.split(whereSeparator: \.isWhitespace).joined(separator: " "))
    }

    @Test func aCircleIsCutAlongACutContourOnItsOwnLayer() throws {
        let (path, text) = try printReady(sticker("0 1 1 0 k 0 0 500 500 re f"), product: stickerOrder)
        #expect(text.contains("/Separation /CutContour"), "the cut line's separation")
        #expect(text.contains("/Type /OCG") && text.contains("/Name (CutContour)"), "an optional content group named after it")
        #expect(text.contains("/OCProperties") && text.contains("/OC "), "listed in the catalog, and the line's form is on it")
        #expect(text.contains("/OP true") && text.contains("/op true"), "overprinting: it knocks nothing out")
        #expect(text.hasPrefix("%PDF-1.5"), "a 1.4 file is raised to 1.5 for optional content")
        #expect(text.contains(" c "), "the line is curved")
        // qpdf finds nothing wrong, and the file passes the product's own checks: the cut line is no ink and no hairline.
        #expect(try runProgram("qpdf", ["--check", path]).status == 0)
        let report = Preflight(product: stickerOrder).run(fileAt: path, fileName: "out.pdf")
        #expect(report.result == .pass, "\(report.findings)")
        #expect(!report.findings.contains { ["color.spot", "lines.hairline", "color.ink_coverage"].contains($0.check) }, "\(report.findings)")
        #expect(report.spotColors.isEmpty)
    }

    @Test func dielineNoneLeavesItOutAndARectangleHasNoneUnlessNamed() throws {
        var none = stickerOrder
        none.dieline = Dieline.none
        #expect(try !printReady(sticker("0 1 1 0 k 0 0 500 500 re f"), product: none).text.contains("CutContour"))
        var square = stickerOrder
        square.shape = .rectangle
        #expect(try !printReady(sticker("0 1 1 0 k 0 0 500 500 re f"), product: square).text.contains("/Separation"))
        square.dieline = .spot(name: "Thru-cut")
        let named = try printReady(sticker("0 1 1 0 k 0 0 500 500 re f"), product: square).text
        #expect(named.contains("/Separation /Thru-cut") && named.contains("/Name (Thru-cut)"))
    }

    @Test func aPDFX1aFileKeepsItsVersionAndCarriesTheSeparationAlone() throws {
        var fixture = sticker("0 1 1 0 k 0 0 500 500 re f")
        fixture.version = "1.3"
        fixture.info = ["GTS_PDFXVersion": "PDF/X-1a:2001"]
        let text = try printReady(fixture, product: stickerOrder).text
        #expect(text.hasPrefix("%PDF-1.3"))
        #expect(text.contains("/Separation /CutContour") && !text.contains("/OCG"))
    }

    /// A sticker whose customer drew the cut line: a wavy shape stroked in a spot colour named `name`.
    func customSticker(dielineNamed name: String) -> PDFFixture {
        var fixture = sticker("0 1 1 0 k 0 0 500 500 re f /Cut CS 1 SCN 0.25 w \(4 * mm) \(27 * mm) m "
                              + "\(4 * mm) \(60 * mm) \(50 * mm) \(60 * mm) \(50 * mm) \(27 * mm) c \(27 * mm) \(4 * mm) l h S")
        fixture.resources = "/ColorSpace << /Cut [/Separation /\(name) /DeviceCMYK << /FunctionType 2 /Domain [0 1] /C0 [0 0 0 0] /C1 [0 1 0 0] /N 1 >>] >>"
        return fixture
    }

    @Test func aCustomShapeIsCutAlongTheFilesOwnDieline() throws {
        var custom = stickerOrder
        custom.shape = .custom
        for name in ["CutContour", "stanze", "Kiss-cut"] {
            let report = try preflight(customSticker(dielineNamed: name), product: custom)
            #expect(!report.findings.contains { $0.check == "dieline.missing" }, "\(name): \(report.findings)")
            #expect(!report.findings.contains { ["color.spot", "lines.hairline"].contains($0.check) }, "\(name) is no ink: \(report.findings)")
        }
        // A name of the order's own.
        custom.dieline = .spot(name: "MyCut")
        #expect(try !findings("color.spot", customSticker(dielineNamed: "MyCut"), product: custom).contains { $0.measured == "MyCut" })
        #expect(try findings("dieline.missing", customSticker(dielineNamed: "MyCut"), product: custom).isEmpty)
        // Print-ready adds no line of its own to a custom shape.
        #expect(try !printReady(customSticker(dielineNamed: "MyCut"), product: custom).text.contains("/OCG"))
    }

    @Test func aCustomShapeWithoutADielineIsAFinding() throws {
        var custom = stickerOrder
        custom.shape = .custom
        let found = try findings("dieline.missing", customSticker(dielineNamed: "Gold"), product: custom)
        #expect(found.count == 1 && found.first?.severity == .error)
        #expect(found.first?.message.contains("spot colour named CutContour") == true, "\(found)")
        #expect(try findings("color.spot", customSticker(dielineNamed: "Gold"), product: custom).first?.measured == "Gold", "an ink, not a cut")
        // Other shapes need none.
        #expect(try findings("dieline.missing", customSticker(dielineNamed: "Gold"), product: stickerOrder).isEmpty)
    }

    @Test func theDielineIsReadInPageSpace() throws {
        var fixture = customSticker(dielineNamed: "CutContour")
        // The same line drawn at half size: its place on the page follows the matrix.
        fixture.content = "0 1 1 0 k 0 0 500 500 re f q 0.5 0 0 0.5 10 10 cm /Cut CS 1 SCN 0 0 100 100 re S Q"
        let directory = try makeTemporaryDirectory("dieline-read")
        let path = directory.appendingPathComponent("in.pdf").path
        try fixture.data().write(to: URL(fileURLWithPath: path))
        let page = try #require(try PDFStructureReader().read(fileAt: path).pages.first)
        let dieline = try #require(page.content.dieline)
        #expect(dieline.name == "CutContour" && dieline.bbox == PDFRect(x0: 10, y0: 10, x1: 60, y1: 60))
        #expect(dieline.path == [.move(x: 10, y: 10), .line(x: 60, y: 10), .line(x: 60, y: 60), .line(x: 10, y: 60), .close])
        #expect(page.content.colourUses.allSatisfy { $0.kind != .spot("CutContour") })
    }
}
