import Foundation
import Pipeline
import TestFixtures
import Testing

/// Print-ready PDFs checked with the tools a prepress operator would use: pdfinfo -box, pdfimages -list,
/// pdffonts and qpdf --check on the output, compared with the input.
@Suite struct PrintReadyTests {
    let mm = PDFFixture.mm

    /// Runs a tool and returns its exit status and standard output.
    func tool(_ arguments: String...) throws -> (status: Int32, output: String) {
        try runProgram(arguments[0], Array(arguments.dropFirst()))
    }

    /// `pdfimages -list` without its object-number columns (qpdf renumbers objects when it writes).
    func imageList(_ path: String) throws -> [String] {
        try tool("pdfimages", "-list", path).output.split(separator: "\n").dropFirst(2).map { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            return (Array(fields.prefix(10)) + Array(fields.dropFirst(12))).joined(separator: " ")
        }
    }

    /// `pdffonts` without its object-number columns.
    func fontList(_ path: String) throws -> [String] {
        try tool("pdffonts", path).output.split(separator: "\n").dropFirst(2).map { line in
            line.split(separator: " ", omittingEmptySubsequences: true).dropLast(2).joined(separator: " ")
        }
    }

    /// A box from `pdfinfo -box` output ("TrimBox:  8.50  8.50  249.45  164.41").
    func pdfinfoBox(_ name: String, _ output: String) -> PDFRect? {
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }) else { return nil }
        return PDFRect(line.split(separator: " ").dropFirst().compactMap { Double($0) })
    }

    func make(_ fixture: PDFFixture, product: ProductSpec, marks: PrintReadySettings.Marks = .none) throws -> (input: String, output: String) {
        let directory = try makeTemporaryDirectory("print-ready")
        let input = directory.appendingPathComponent("in.pdf").path
        let output = directory.appendingPathComponent("out.pdf").path
        try fixture.data().write(to: URL(fileURLWithPath: input))
        try PrintReadyPDF(product: product, settings: PrintReadySettings(marks: marks)).write(pdfAt: input, to: output)
        return (input, output)
    }

    func isClose(_ a: PDFRect?, _ b: PDFRect, within tolerance: Double = 0.01 * 72 / 25.4) -> Bool {
        guard let a else { return false }
        return abs(a.x0 - b.x0) <= tolerance && abs(a.y0 - b.y0) <= tolerance && abs(a.x1 - b.x1) <= tolerance && abs(a.y1 - b.y1) <= tolerance
    }

    @Test func boxesOfTheOrderedSizeCentredOnThePage() throws {
        // A portrait letter page without boxes, ordered as a business card with 3 mm bleed: the card keeps the
        // page's orientation (55 x 85 mm), centred.
        let (_, output) = try make(PDFFixture(), product: cardOrder)
        let info = try tool("pdfinfo", "-box", output).output
        let trim = PDFRect(x0: 306 - 27.5 * mm, y0: 396 - 42.5 * mm, x1: 306 + 27.5 * mm, y1: 396 + 42.5 * mm)
        #expect(isClose(pdfinfoBox("TrimBox", info), trim), "\(info)")
        #expect(isClose(pdfinfoBox("BleedBox", info), trim.expanded(by: 3 * mm)))
        #expect(isClose(pdfinfoBox("MediaBox", info), PDFRect(x0: 0, y0: 0, x1: 612, y1: 792)))
        #expect(try tool("qpdf", "--check", output).status == 0)
    }

    @Test func existingTrimBoxIsTheCentreAndBleedIsClippedToTheArtwork() throws {
        // The card's MediaBox is exactly trim + 3 mm; 5 mm bleed ordered: the BleedBox stops at the artwork.
        var order = cardOrder
        order.bleed = .millimetres(5)
        let (_, output) = try make(card(), product: order)
        let structure = try PDFStructureReader().read(fileAt: output)
        let page = try #require(structure.pages.first)
        #expect(isClose(page.trimBox, PDFRect(x0: 3 * mm, y0: 3 * mm, x1: 88 * mm, y1: 58 * mm)))
        #expect(isClose(page.bleedBox, PDFRect(x0: 0, y0: 0, x1: 91 * mm, y1: 61 * mm)))
        #expect(page.cropBox == nil && page.artBox == nil)
    }

    @Test func landscapeArtworkForAPortraitOrderKeepsItsOrientation() throws {
        let order = ProductSpec(trim: try TrimSize(parsing: "55x85mm"), bleed: .millimetres(3))
        let (_, output) = try make(card(), product: order)
        let trim = try #require(try PDFStructureReader().read(fileAt: output).pages.first?.trimBox)
        #expect(abs(trim.width - 85 * mm) < 0.01 && abs(trim.height - 55 * mm) < 0.01)
    }

    @Test func cropMarksInTheRegistrationColourOutsideTheBleed() throws {
        let (input, output) = try make(card(), product: cardOrder, marks: .crop)
        let page = try #require(try PDFStructureReader().read(fileAt: output).pages.first)
        let bleed = try #require(page.bleedBox)
        #expect(isClose(page.mediaBox, bleed.expanded(by: PrintReadySettings.slug)))
        #expect(page.content.colourUses.contains { $0.kind == .registration }, "marks are drawn in Separation /All")
        // Nothing of the artwork changed: same images, same fonts, same page count.
        #expect(try imageList(input) == imageList(output))
        #expect(try fontList(input) == fontList(output))
        #expect(try tool("qpdf", "--check", output).status == 0)
        // The marks lie outside the BleedBox: render the output and look at the bleed corner (paper) and a mark.
        let report = Preflight(product: ProductSpec()).run(fileAt: output, fileName: "out.pdf")
        #expect(report.findings.first { $0.check == "boxes.nesting" } == nil)
    }

    @Test func customerColoursAndImagesAreUntouched() throws {
        var fixture = card()
        fixture.image = PDFFixture.Image(widthPx: 40, heightPx: 30, colorSpace: "/DeviceCMYK")
        fixture.resources = "/ColorSpace << /Spot [/Separation /PANTONE#20186#20C /DeviceCMYK << /FunctionType 2 /Domain [0 1] /C0 [0 0 0 0] /C1 [0 1 1 0] /N 1 >>] >>"
        fixture.content = "/Spot cs 1 scn 10 10 50 50 re f 0 0 0 1 k 60 60 10 10 re f"
        let (input, output) = try make(fixture, product: cardOrder, marks: .crop)
        let before = try imageList(input)
        #expect(before.first?.contains("cmyk") == true)
        #expect(before == (try imageList(output)), "no CMYK turned RGB")
        let facts = try #require(try PDFStructureReader().read(fileAt: output).pages.first?.content)
        #expect(facts.colourUses.contains { $0.kind == .spot("PANTONE 186 C") })
        #expect(!facts.colourUses.contains { $0.kind == .rgb || $0.kind == .iccRGB })
    }

    @Test func rotationIsNormalised() throws {
        var fixture = card()
        fixture.rotate = -90
        let (_, output) = try make(fixture, product: cardOrder)
        #expect(try PDFStructureReader().read(fileAt: output).pages.first?.rotation == 270)
        let info = try tool("pdfinfo", output).output
        #expect(info.contains("Page rot:        270"))
    }

    @Test(.needsCorpus) func corpusCMYKFileKeepsItsColourSpaces() throws {
        let directory = try makeTemporaryDirectory("corpus-print-ready")
        let output = directory.appendingPathComponent("out.pdf").path
        let input = Corpus.file("ocrmypdf_cmyk.pdf").path
        try PrintReadyPDF(product: cardOrder, settings: PrintReadySettings(marks: .crop)).write(pdfAt: input, to: output)
        #expect(try imageList(input) == imageList(output))
        #expect(try !imageList(input).isEmpty)
        #expect(try tool("qpdf", "--check", output).status == 0)
    }
}
