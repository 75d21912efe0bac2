import Foundation
import Pipeline
import TestFixtures
import Testing

/// color.cmyk on real PDFs: what is RGB becomes DeviceCMYK through LittleCMS, what is CMYK, gray or a spot
/// colour keeps its bytes, and our own preflight of the result finds no RGB left.
@Suite struct ColourConversionTests {
    let mm = PDFFixture.mm
    let order = ProductSpec(trim: try! TrimSize(parsing: "85x55mm"))

    func card(_ content: String, resources: String = "", pages: Int = 1) -> PDFFixture {
        var fixture = PDFFixture()
        fixture.pages = pages
        fixture.mediaBox = [0, 0, 85 * mm, 55 * mm]
        fixture.trimBox = [0, 0, 85 * mm, 55 * mm]
        fixture.content = content
        fixture.resources = resources
        return fixture
    }

    func convert(_ fixture: PDFFixture, intent: RenderingIntent = .relativeColorimetric) throws -> (input: String, output: String, fixes: [AppliedFix]) {
        let directory = try makeTemporaryDirectory("cmyk")
        let input = directory.appendingPathComponent("in.pdf").path
        let output = directory.appendingPathComponent("out.pdf").path
        try fixture.data().write(to: URL(fileURLWithPath: input))
        var settings = FixUpSettings(fixups: [.colorCMYK])
        settings.intent = intent
        let fixes = try ArtworkFixer(product: order, settings: settings).fix(pdfAt: input, writingTo: output)
        return (input, output, fixes)
    }

    func rgbFindings(_ path: String) -> [Finding] {
        Preflight(product: order).run(fileAt: path, fileName: "out.pdf").findings.filter { $0.check == "color.rgb" }
    }

    /// The decoded content of page `number`, through qpdf.
    func content(_ path: String, page number: Int = 1) throws -> String {
        try runProgram("qpdf", ["--show-pages", "--with-images", path]).output
            .components(separatedBy: "page \(number): ").dropFirst().first
            .flatMap { $0.components(separatedBy: "content:\n").dropFirst().first }
            .map { $0.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0.hasSuffix(" R") } }
            .map { try $0.map { ref in try runProgram("qpdf", ["--show-object=\(ref.split(separator: " ")[0])", "--filtered-stream-data", path]).output }
                .joined(separator: "\n") } ?? ""
    }

    /// The raw (still encoded) bytes of page `number`'s content streams.
    func rawContent(_ path: String, page number: Int) throws -> String {
        let pages = try runProgram("qpdf", ["--show-pages", path]).output
        let section = pages.components(separatedBy: "page \(number): ").dropFirst().first?.components(separatedBy: "page ").first ?? ""
        let refs = section.split(separator: "\n").dropFirst().map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0.hasSuffix(" R") }
        return try refs.map { try runProgram("qpdf", ["--show-object=\($0.split(separator: " ")[0])", "--raw-stream-data", path]).output }
            .joined(separator: "\n")
    }

    @Test func fillAndStrokeRGBBecomeCMYKAndNoRGBIsLeft() throws {
        let (input, output, fixes) = try convert(card("1 0 0 rg 0 0 1 RG 10 10 50 50 re B 0.5 0.5 0.5 g 60 10 20 20 re f"))
        #expect(!rgbFindings(input).isEmpty)
        #expect(rgbFindings(output).isEmpty)
        let fix = try #require(fixes.first)
        #expect(fix.id == "color.cmyk" && fix.page == 1)
        #expect(fix.message == "RGB converted to CMYK for print (Artifex CMYK SWOP Profile, relative colorimetric): 2 colours")
        let text = try content(output)
        #expect(text.contains(" k ") || text.contains(" k\n"), "\(text)")
        #expect(text.contains(" K "), "\(text)")
        #expect(text.contains("0.5 0.5 0.5 g"), "gray is left as it was")
        #expect(!text.contains(" rg") && !text.contains(" RG"))
        // Red is magenta and yellow in any CMYK: LittleCMS's numbers, not ours, but that much must hold.
        let red = try #require(text.split(separator: "\n").first { $0.hasSuffix(" k") || $0.contains(" k ") })
        let values = red.split(separator: " ").prefix(4).compactMap { Double($0) }
        #expect(values.count == 4 && values[1] > 0.8 && values[2] > 0.8 && values[0] < 0.1, "\(red)")
        #expect(try runProgram("qpdf", ["--check", output]).status == 0)
    }

    @Test func rgbBlackBecomesPureKNeverFourColourBlack() throws {
        let (_, output, fixes) = try convert(card("0 0 0 rg BT ET 10 10 50 50 re f"))
        #expect(try content(output).contains("0 0 0 1 k"))
        #expect(fixes.first?.message.hasSuffix("RGB black set to 100% K") == true)
    }

    @Test func cmykGrayAndSpotPagesKeepTheirStreamsByteForByte() throws {
        let spot = "/ColorSpace << /Spot [/Separation /PANTONE#20186#20C /DeviceRGB << /FunctionType 2 /Domain [0 1] /C0 [1 1 1] /C1 [0.8 0 0.1] /N 1 >>] >>"
        var fixture = card("", resources: spot, pages: 2)
        // Page 1 draws RGB, page 2 only CMYK, gray and the spot colour.
        fixture.pageContents = ["0.2 0.4 0.6 rg 0 0 20 20 re f", "0 0 0 1 k 10 10 20 20 re f /Spot cs 1 scn 40 10 20 20 re f 0.3 g 0 0 5 5 re f"]
        let (input, output, fixes) = try convert(fixture)
        #expect(fixes.map(\.page) == [1], "only the RGB page changed")
        #expect(try rawContent(output, page: 2) == rawContent(input, page: 2))
        let facts = try #require(try PDFStructureReader().read(fileAt: output).pages.last?.content)
        #expect(facts.colourUses.contains { $0.kind == .spot("PANTONE 186 C") }, "the spot colour stays a spot colour")
    }

    @Test func imagesAreConvertedAndIndexedOnesByTheirPalette() throws {
        var fixture = card("")
        fixture.image = PDFFixture.Image(widthPx: 8, heightPx: 6, colorSpace: "/DeviceRGB")
        let rgb = try convert(fixture)
        #expect(rgb.fixes.first?.message.contains("1 image") == true)
        let list = try runProgram("pdfimages", ["-list", rgb.output]).output
        #expect(list.contains("cmyk"), "\(list)")
        #expect(rgbFindings(rgb.output).isEmpty)

        var indexed = card("")
        indexed.image = PDFFixture.Image(widthPx: 8, heightPx: 6, colorSpace: "[/Indexed /DeviceRGB 1 <ff000000ff00>]", bitsPerComponent: 8)
        let palette = try convert(indexed)
        let after = try runProgram("pdfimages", ["-list", palette.output]).output
        #expect(after.contains("index"), "\(after)")
        #expect(rgbFindings(palette.output).isEmpty)
        let image = try #require(try PDFStructureReader().read(fileAt: palette.output).pages.first?.content.images.first)
        #expect(image.colorSpace == "Indexed DeviceCMYK", "the palette is CMYK, the indices are as they were")
    }

    @Test func iccBasedLabAndCalibratedRGBAreConverted() throws {
        var fixture = card("/ICC cs 0.1 0.6 0.3 scn 0 0 10 10 re f /Lab cs 50 20 -30 sc 10 0 10 10 re f /Cal CS 0.2 0.2 0.9 SC 0 0 m 20 20 l S")
        fixture.iccColourSpace = try Data(contentsOf: URL(fileURLWithPath: "/usr/share/color/icc/ghostscript/srgb.icc"))
        fixture.resources = "/ColorSpace << /Lab [/Lab << /WhitePoint [0.9505 1 1.089] /Range [-100 100 -100 100] >>] "
            + "/Cal [/CalRGB << /WhitePoint [0.9505 1 1.089] /Gamma [2.2 2.2 2.2] /Matrix [0.4124 0.2126 0.0193 0.3576 0.7152 0.1192 0.1805 0.0722 0.9505] >>] >>"
        let (input, output, fixes) = try convert(fixture)
        #expect(try runProgram("qpdf", ["--check", input]).status == 0)
        #expect(fixes.first?.message.contains("3 colours") == true, "\(fixes)")
        let text = try content(output)
        #expect(text.components(separatedBy: "/DeviceCMYK").count == 4, "\(text)")
        #expect(rgbFindings(output).isEmpty)
    }

    @Test func axialShadingsAreSampledIntoCMYK() throws {
        let shading = "/Shading << /Sh1 << /ShadingType 2 /ColorSpace /DeviceRGB /Coords [0 0 100 0] "
            + "/Function << /FunctionType 2 /Domain [0 1] /C0 [1 0 0] /C1 [0 0 1] /N 1 >> /Extend [true true] >> >>"
        let (_, output, fixes) = try convert(card("/Sh1 sh", resources: shading))
        #expect(fixes.first?.message.contains("1 gradient") == true, "\(fixes)")
        #expect(rgbFindings(output).isEmpty)
        let raw = try runProgram("qpdf", ["--qdf", "--object-streams=disable", output, "-"]).output
        #expect(raw.contains("/ColorSpace /DeviceCMYK") && raw.contains("/FunctionType 0"))
    }

    @Test func inlineImagesAreRewrittenInPlace() throws {
        let pixels = String(repeating: "ff0000", count: 4)
        let (_, output, fixes) = try convert(card("q 20 0 0 20 10 10 cm BI /W 2 /H 2 /CS /RGB /BPC 8 /F /AHx ID \(pixels)> EI Q"))
        #expect(fixes.first?.message.contains("1 image") == true, "\(fixes)")
        #expect(try runProgram("pdfimages", ["-list", output]).output.contains("cmyk"))
        #expect(rgbFindings(output).isEmpty)
    }

    @Test func aFileWithoutRGBIsNotWritten() throws {
        let (_, output, fixes) = try convert(card("0 1 1 0 k 0 0 10 10 re f"))
        #expect(fixes.isEmpty && !FileManager.default.fileExists(atPath: output))
    }

    @Test func theFilesOwnOutputIntentIsThePrintingCondition() throws {
        var fixture = card("1 0 0 rg 0 0 10 10 re f")
        fixture.outputIntent = "Custom"
        fixture.outputIntentProfile = try Data(contentsOf: URL(fileURLWithPath: "/usr/share/color/icc/ghostscript/ps_cmyk.icc"))
        let (_, _, fixes) = try convert(fixture)
        let name = try OutputProfile(path: "/usr/share/color/icc/ghostscript/ps_cmyk.icc").name
        #expect(name != "Artifex CMYK SWOP Profile")
        #expect(fixes.first?.message.contains("(\(name), relative colorimetric)") == true, "\(fixes)")
        let perceptual = try convert(card("1 0 0 rg 0 0 10 10 re f"), intent: .perceptual)
        #expect(perceptual.fixes.first?.message.contains(", perceptual)") == true)
    }
}
