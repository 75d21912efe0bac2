import Foundation
import Pipeline
import TestFixtures
import Testing

/// The geometry fix-ups and the output intent on real PDFs, judged by our own preflight of the result and
/// by the tools a prepress operator would use on it (pdfinfo -box, pdffonts, pdfimages, qpdf --check, a
/// render with pdftoppm).
@Suite struct FixUpTests {
    let mm = PDFFixture.mm
    var cardOrder: ProductSpec { ProductSpec(trim: try! TrimSize(parsing: "85x55mm"), bleed: .millimetres(3), safety: .millimetres(3)) }

    /// A card page of `width` x `height` mm, no boxes but the MediaBox: an orange background with a cyan
    /// block in the lower left corner and a magenta one in the upper right, both touching the edges.
    func card(width: Double = 85, height: Double = 55) -> PDFFixture {
        var fixture = PDFFixture()
        let (w, h) = (width * mm, height * mm)
        fixture.mediaBox = [0, 0, w, h]
        fixture.content = "0 0.5 1 0 k 0 0 \(w) \(h) re f 1 0 0 0 k 0 0 \(w / 4) \(h / 4) re f 0 1 0 0 k \(w * 0.75) \(h * 0.75) \(w / 4) \(h / 4) re f"
        return fixture
    }

    struct Fixed {
        var input: String
        var output: String
        var fixes: [AppliedFix]
        var written: Bool { FileManager.default.fileExists(atPath: output) }
    }

    func fix(_ fixture: PDFFixture, _ ids: [FixUpID], product: ProductSpec? = nil, allowsRotated: Bool = true) throws -> Fixed {
        let directory = try makeTemporaryDirectory("fixups")
        let input = directory.appendingPathComponent("in.pdf").path
        let output = directory.appendingPathComponent("fixed.pdf").path
        try fixture.data().write(to: URL(fileURLWithPath: input))
        let settings = FixUpSettings(fixups: ids, allowsRotated: allowsRotated)
        let fixes = try ArtworkFixer(product: product ?? cardOrder, settings: settings).fix(pdfAt: input, writingTo: output)
        return Fixed(input: input, output: output, fixes: fixes)
    }

    func page(_ path: String) throws -> PageStructure {
        try #require(try PDFStructureReader().read(fileAt: path).pages.first)
    }

    func isClose(_ a: PDFRect?, _ b: PDFRect, within tolerance: Double = 0.02) -> Bool {
        guard let a else { return false }
        return abs(a.x0 - b.x0) <= tolerance && abs(a.y0 - b.y0) <= tolerance && abs(a.x1 - b.x1) <= tolerance && abs(a.y1 - b.y1) <= tolerance
    }

    func errors(of path: String, product: ProductSpec? = nil, profile: PreflightProfile = .basic) -> [String] {
        Preflight(product: product ?? cardOrder, profile: profile).run(fileAt: path, fileName: "fixed.pdf")
            .findings(severity: .error).map(\.check)
    }

    // MARK: trim.infer

    @Test func aPageOfTrimPlusBleedGetsACentredTrimBoxAndPassesPreflight() throws {
        let fixed = try fix(card(width: 91, height: 61), [.trimInfer])
        #expect(Set(errors(of: fixed.input)) == ["page.size", "bleed.insufficient"], "the original fails as the issue saw it")
        #expect(fixed.fixes.map(\.id) == ["trim.infer"])
        #expect(fixed.fixes.first?.page == 1)
        let page = try page(fixed.output)
        #expect(isClose(page.trimBox, PDFRect(x0: 3 * mm, y0: 3 * mm, x1: 88 * mm, y1: 58 * mm)))
        #expect(isClose(page.bleedBox, PDFRect(x0: 0, y0: 0, x1: 91 * mm, y1: 61 * mm)))
        #expect(errors(of: fixed.output).isEmpty)
    }

    @Test func aPageOfTheTrimGetsTrimBoxPageAndStillLacksBleed() throws {
        let fixed = try fix(card(), [.trimInfer])
        #expect(isClose(try page(fixed.output).trimBox, PDFRect(x0: 0, y0: 0, x1: 85 * mm, y1: 55 * mm)))
        #expect(errors(of: fixed.output).contains("bleed.insufficient"))
        #expect(fixed.fixes.first?.message.contains("without bleed") == true)
    }

    @Test func aPageThatHasItsTrimBoxOrAnotherSizeIsLeftAlone() throws {
        var boxed = card(width: 91, height: 61)
        boxed.trimBox = [3 * mm, 3 * mm, 88 * mm, 58 * mm]
        let alone = try fix(boxed, [.trimInfer])
        #expect(alone.fixes.isEmpty && !alone.written, "nothing to fix: nothing written")
        let other = try fix(card(width: 100, height: 70), [.trimInfer])
        #expect(other.fixes.isEmpty && !other.written)
    }

    // MARK: bleed.mirror

    @Test func mirroredBleedKeepsTheContentAndFillsTheBleedFromTheEdges() throws {
        let fixed = try fix(card(), [.trimInfer, .bleedMirror])
        #expect(fixed.fixes.map(\.id) == ["trim.infer", "bleed.mirror"])
        #expect(fixed.fixes.last?.message == "Bleed added by mirroring the edges, 3 mm on every side")
        let page = try page(fixed.output)
        let trim = try #require(page.trimBox)
        #expect(abs(trim.width - 85 * mm) < 0.02 && abs(trim.height - 55 * mm) < 0.02)
        #expect(isClose(page.bleedBox, trim.expanded(by: 3 * mm)))
        let media = try #require(page.mediaBox)
        #expect(media.x0 >= 0 && media.y0 >= 0, "no negative origin: the page moved instead")
        #expect(errors(of: fixed.output).isEmpty, "\(errors(of: fixed.output))")
        #expect(try runProgram("qpdf", ["--check", fixed.output]).status == 0)
        // The customer's content stream is still there byte for byte: no rasterising, no re-encoding.
        let original = try String(decoding: Data(contentsOf: URL(fileURLWithPath: fixed.input)), as: UTF8.self)
        let content = try #require(card().content)
        #expect(original.contains(content))
        let qdf = try runProgram("qpdf", ["--qdf", "--object-streams=disable", fixed.output, "-"]).output
        #expect(qdf.contains(content))
        #expect(try runProgram("pdfimages", ["-list", fixed.output]).output.split(separator: "\n").count == 2, "no image was made")
        // Rendered: the corners of the bleed take the colour of the trim's corners (cyan lower left,
        // magenta upper right), the side strips the orange background.
        let pixels = try RenderedPage(fixed.output)
        let (x0, y0, x1, y1) = (trim.x0 - media.x0, trim.y0 - media.y0, trim.x1 - media.x0, trim.y1 - media.y0)
        #expect(pixels.colour(atPoint: x0 - 1.5 * mm, y0 - 1.5 * mm) == .cyan)
        #expect(pixels.colour(atPoint: x1 + 1.5 * mm, y1 + 1.5 * mm) == .magenta)
        #expect(pixels.colour(atPoint: x0 - 1.5 * mm, (y0 + y1) / 2) == .orange)
        #expect(pixels.colour(atPoint: (x0 + x1) / 2, y1 + 1.5 * mm) == .orange)
        #expect(pixels.colour(atPoint: x1 + 1.5 * mm, y0 - 1.5 * mm) == .orange)
    }

    @Test func textStaysTextInAMirroredBleed() throws {
        var fixture = card()
        fixture.font = .helvetica
        fixture.content = "0 0.5 1 0 k 0 0 \(85 * mm) \(55 * mm) re f BT /F1 9 Tf 2 20 Td (EDGE) Tj ET"
        let fixed = try fix(fixture, [.trimInfer, .bleedMirror])
        let fonts = { (path: String) in
            try runProgram("pdffonts", [path]).output.split(separator: "\n").dropFirst(2).map { $0.split(separator: " ").prefix(2).joined(separator: " ") }
        }
        #expect(try fonts(fixed.output) == fonts(fixed.input))
        #expect(try runProgram("pdfimages", ["-list", fixed.output]).output.split(separator: "\n").count == 2)
    }

    @Test func pagesSharingResourcesAreMirroredWithoutChangingTheSharedDictionary() throws {
        var fixture = card()
        fixture.pages = 2
        fixture.sharesResources = true
        fixture.resources = "/ExtGState << /GS1 << /CA 1 >> >>"
        let fixed = try fix(fixture, [.trimInfer, .bleedMirror])
        #expect(fixed.fixes.filter { $0.id == "bleed.mirror" }.map(\.page) == [1, 2])
        let json = try runProgram("qpdf", ["--json=1", "--json-key=objects", fixed.output]).output
        let objects = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let all = try #require(objects["objects"] as? [String: Any])
        let shared = all.values.compactMap { $0 as? [String: Any] }.filter { ($0["/ExtGState"] as? [String: Any]) != nil && $0["/Type"] == nil }
        #expect(shared.count == 1, "the shared dictionary is still one object")
        #expect(shared.first?["/XObject"] == nil, "and it did not gain the form")
    }

    // MARK: bleed.scale

    @Test func scaledBleedGivesItsFactorAndCoversTheBleed() throws {
        let fixed = try fix(card(), [.trimInfer, .bleedScale])
        let scale = try #require(fixed.fixes.first { $0.id == "bleed.scale" })
        // (55 + 6) / 55 = 1.109: the short side needs the larger stretch.
        #expect(scale.after?.contains("110.9%") == true, "\(scale)")
        #expect(errors(of: fixed.output).isEmpty)
        let page = try page(fixed.output)
        let trim = try #require(page.trimBox), media = try #require(page.mediaBox)
        let pixels = try RenderedPage(fixed.output)
        // The enlarged cyan corner block reaches into the lower left bleed.
        #expect(pixels.colour(atPoint: trim.x0 - media.x0 - 1.5 * mm, trim.y0 - media.y0 - 1.5 * mm) == .cyan)
    }

    // MARK: size.fit

    @Test func artworkAtTwiceTheSizeIsScaledToTheTrim() throws {
        var fixture = card(width: 176, height: 116)
        fixture.trimBox = [3 * mm, 3 * mm, 173 * mm, 113 * mm]
        fixture.bleedBox = [0, 0, 176 * mm, 116 * mm]
        let fixed = try fix(fixture, [.sizeFit])
        let fit = try #require(fixed.fixes.first)
        #expect(fit.id == "size.fit")
        #expect(fit.message == "Page scaled from 170 x 110 mm to the ordered 85 x 55 mm (50%)")
        let page = try page(fixed.output)
        #expect(isClose(page.trimBox.map { PDFRect(x0: 0, y0: 0, x1: $0.width, y1: $0.height) }, PDFRect(x0: 0, y0: 0, x1: 85 * mm, y1: 55 * mm)))
        #expect(isClose(page.bleedBox.map { PDFRect(x0: 0, y0: 0, x1: $0.width, y1: $0.height) }, PDFRect(x0: 0, y0: 0, x1: 88 * mm, y1: 58 * mm)),
                "the bleed is scaled with it: 3 mm became 1.5 mm")
        #expect(errors(of: fixed.output, product: ProductSpec(trim: cardOrder.trim, bleed: .millimetres(1.5))).isEmpty)
    }

    @Test func aFourForAnAFiveOrderIsScaledAndALandscapePageTurnedWhenTurningIsNotAllowed() throws {
        let a5 = ProductSpec(trim: try TrimSize(parsing: "148x210mm"))
        var a4 = PDFFixture()
        a4.mediaBox = [0, 0, 210 * mm, 297 * mm]
        let fitted = try fix(a4, [.sizeFit], product: a5)
        #expect(fitted.fixes.first?.message.hasPrefix("Page scaled from 210 x 297 mm to the ordered 148 x 210 mm") == true)
        #expect(errors(of: fitted.output, product: a5).isEmpty)

        var landscape = PDFFixture()
        landscape.mediaBox = [0, 0, 297 * mm, 210 * mm]
        let turned = try fix(landscape, [.sizeFit], product: a5, allowsRotated: false)
        #expect(turned.fixes.first?.message.hasSuffix("and turned a quarter turn") == true, "\(turned.fixes)")
        let trim = try #require(try page(turned.output).trimBox)
        #expect(abs(trim.width - 148 * mm) < 0.05 && abs(trim.height - 210 * mm) < 0.05)
        #expect(try page(turned.output).mediaBox.map { $0.x0 >= 0 && $0.y0 >= 0 } == true)
    }

    @Test func artworkInOtherProportionsIsNotFitted() throws {
        let fixed = try fix(card(width: 100, height: 55), [.sizeFit])
        #expect(fixed.fixes.isEmpty && !fixed.written)
    }

    // MARK: pdfx.output_intent and the profile

    @Test func anOutputIntentIsAddedWithTheDefaultProfileWhenTheFileHasNone() throws {
        var fixture = card()
        fixture.trimBox = [0, 0, 85 * mm, 55 * mm]
        let fixed = try fix(fixture, [.pdfxOutputIntent])
        #expect(fixed.fixes.map(\.id) == ["pdfx.output_intent"])
        let structure = try PDFStructureReader().read(fileAt: fixed.output)
        let intent = try #require(structure.outputIntents.first)
        #expect(intent.subtype == "GTS_PDFX" && intent.hasProfile && intent.outputConditionIdentifier == "Custom")
        var withIntent = fixture
        withIntent.outputIntent = "FOGRA39"
        #expect(try fix(withIntent, [.pdfxOutputIntent]).fixes.isEmpty)
    }

    @Test func onlyACMYKOutputProfileIsAccepted() throws {
        #expect(throws: Never.self) { try OutputProfile(path: OutputProfile.defaultPath) }
        #expect(throws: FixUpError.badProfile("srgb.icc is not a CMYK profile; colour for print needs a CMYK output profile")) {
            try OutputProfile(path: "/usr/share/color/icc/ghostscript/srgb.icc")
        }
        #expect(throws: FixUpError.badProfile("nothing.icc is not an ICC colour profile")) {
            try OutputProfile(data: Data("not a profile".utf8), fileName: "nothing.icc")
        }
    }

    @Test func fixUpIdsAreParsedWithReasons() throws {
        #expect(try FixUpID.parse(["bleed.mirror", "trim.infer", "bleed.mirror"]) == [.bleedMirror, .trimInfer])
        #expect(throws: FixUpError.unknown("bleed.magic")) { try FixUpID.parse(["bleed.magic"]) }
        #expect(throws: FixUpError.bothBleedFixUps) { try FixUpID.parse(["bleed.mirror", "bleed.scale"]) }
        #expect(FixUpID.allCases.map(\.rawValue) == ["trim.infer", "size.fit", "bleed.mirror", "bleed.scale", "color.cmyk", "pdfx.output_intent"])
    }

    // MARK: the stage: fix, then preflight the fixed file

    @Test func theReportListsTheFixesAndJudgesTheFixedFile() throws {
        let directory = try makeTemporaryDirectory("fixed-preflight")
        let input = directory.appendingPathComponent("card.pdf").path
        let fixedPath = directory.appendingPathComponent("fixed.pdf").path
        try card(width: 91, height: 61).data().write(to: URL(fileURLWithPath: input))
        let stage = FixedPreflight(preflight: Preflight(product: cardOrder),
                                   fixer: ArtworkFixer(product: cardOrder, settings: FixUpSettings(fixups: [.trimInfer, .bleedMirror])))
        let (report, usesFixedCopy) = try stage.run(fileAt: input, fileName: "card.pdf", sha256: nil, fixedPath: fixedPath)
        #expect(usesFixedCopy)
        #expect(report.result == .pass, "\(report.findings)")
        #expect(report.fixes?.map(\.id) == ["trim.infer"], "the bleed was there once the trim was known")
        #expect(report.file.bytes == Int64(try Data(contentsOf: URL(fileURLWithPath: input)).count), "file facts are the original's")
        let json = String(decoding: try report.jsonData(), as: UTF8.self)
        #expect(json.contains("\"fixes\" : ["))
        let html = ReportHTML.page(for: report, fileAt: fixedPath).render()
        #expect(html.contains("Trim set to the ordered 85 x 55 mm"))

        let good = directory.appendingPathComponent("good.pdf").path
        try PDFFixture.businessCard(pages: 1).write(to: URL(fileURLWithPath: good))
        let none = try stage.run(fileAt: good, fileName: "good.pdf", sha256: nil, fixedPath: fixedPath + ".2")
        #expect(!none.usesFixedCopy && none.report.fixes == [])
        #expect(!FileManager.default.fileExists(atPath: fixedPath + ".2"), "a file that needs nothing is not copied")
        let unreadable = directory.appendingPathComponent("broken.pdf").path
        try Data("%PDF-1.4 nothing".utf8).write(to: URL(fileURLWithPath: unreadable))
        let broken = try stage.run(fileAt: unreadable, fileName: "broken.pdf", sha256: nil, fixedPath: fixedPath + ".3")
        #expect(!broken.usesFixedCopy && broken.report.findings.contains { $0.check == "file.unreadable" })
    }
}

/// A page rendered by pdftoppm at 72 ppi, one pixel per point, read back as RGB.
struct RenderedPage {
    enum Colour: Equatable { case cyan, magenta, orange, white, other }

    let width: Int, height: Int
    let pixels: [UInt8]

    init(_ pdf: String) throws {
        let (status, _) = try runProgram("pdftoppm", ["-r", "72", "-f", "1", "-l", "1", "-singlefile", pdf, pdf + ".render"])
        guard status == 0 else { throw CocoaError(.fileReadCorruptFile) }
        let data = try [UInt8](Data(contentsOf: URL(fileURLWithPath: pdf + ".render.ppm")))
        // "P6\nW H\n255\n" then RGB triples.
        var fields: [String] = []
        var index = 0
        var current = ""
        while fields.count < 4 {
            let byte = data[index]
            index += 1
            if byte == 0x20 || byte == 0x0A { if !current.isEmpty { fields.append(current); current = "" } } else { current.append(Character(UnicodeScalar(byte))) }
        }
        width = Int(fields[1])!
        height = Int(fields[2])!
        pixels = Array(data[index...])
    }

    /// The colour at (x, y) in points from the MediaBox's lower left corner.
    func colour(atPoint x: Double, _ y: Double) -> Colour {
        let column = min(width - 1, max(0, Int(x))), row = min(height - 1, max(0, height - 1 - Int(y)))
        let offset = (row * width + column) * 3
        let (r, g, b) = (Int(pixels[offset]), Int(pixels[offset + 1]), Int(pixels[offset + 2]))
        if r < 80 && g > 140 && b > 200 { return .cyan }
        if r > 200 && g < 80 && b > 100 { return .magenta }
        if r > 200 && g > 100 && g < 190 && b < 80 { return .orange }
        if r > 240 && g > 240 && b > 240 { return .white }
        return .other
    }
}
