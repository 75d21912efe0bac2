import Foundation
@testable import Pipeline
import TestFixtures
import Testing

/// Image files become a PDF of trim plus bleed; JPEG data goes in as it is.
@Suite struct RasterToPDFTests {
    func tool(_ arguments: String...) throws -> String {
        try runProgram(arguments[0], Array(arguments.dropFirst())).output
    }

    @Test(.needsCorpus) func cmykJPEGStaysCMYKAndIsEmbeddedAsIs() throws {
        let input = Corpus.file("ocrmypdf_baiona_cmyk.jpg").path
        let output = try makeTemporaryDirectory("raster").appendingPathComponent("out.pdf").path
        let info = try RasterHeaderReader().read(fileAt: input, kind: .jpeg)
        try RasterToPDF(product: cardOrder).write(imageAt: input, kind: .jpeg, info: info, to: output)
        let list = try tool("pdfimages", "-list", output).split(separator: "\n").dropFirst(2).first.map(String.init) ?? ""
        let fields = list.split(separator: " ")
        #expect(fields.count > 8 && fields[3] == "640" && fields[4] == "682", "\(list)")
        #expect(fields[5] == "cmyk" && fields[8] == "jpeg", "CMYK JPEG, not recompressed: \(list)")
        let size = try FileManager.default.attributesOfItem(atPath: input)[.size] as? Int ?? 0
        #expect(try Data(contentsOf: URL(fileURLWithPath: output)).count > size, "the JPEG bytes are inside")
        let page = try #require(try PDFStructureReader().read(fileAt: output).pages.first?.mediaBox)
        #expect(abs(page.width - 91 * PDFFixture.mm) < 0.01 && abs(page.height - 61 * PDFFixture.mm) < 0.01)
    }

    @Test(.needsCorpus) func pngIsDecodedAndPlaced() throws {
        let input = Corpus.file("ocrmypdf_baiona_alpha.png").path
        let output = try makeTemporaryDirectory("raster").appendingPathComponent("out.pdf").path
        let info = try RasterHeaderReader().read(fileAt: input, kind: .png)
        try RasterToPDF(product: cardOrder).write(imageAt: input, kind: .png, info: info, to: output)
        #expect(try tool("pdfimages", "-list", output).contains("rgb"))
    }

    @Test(.needsCorpus) func mirroredBleedFillsTheBleedFromTheEdges() throws {
        // A gray image made to the trim (85 x 55 mm): with mirror the bleed is filled, without it the image
        // is enlarged to cover trim plus bleed.
        let input = Corpus.file("ocrmypdf_baiona_cmyk.jpg").path
        let info = RasterInfo(widthPx: 640, heightPx: 682, colourMode: .cmyk)
        let square = ProductSpec(trim: try TrimSize(parsing: "60x64mm"), bleed: .millimetres(3))
        let output = try makeTemporaryDirectory("raster").appendingPathComponent("out.pdf").path
        try RasterToPDF(product: square, bleedGeneration: .mirror).write(imageAt: input, kind: .jpeg, info: info, to: output)
        // Nine placements of the one image: the centre and eight mirrored neighbours, clipped to the page.
        let placements = try tool("pdfimages", "-list", output).split(separator: "\n").dropFirst(2).count
        #expect(placements == 9)
    }

    /// pdfimages -list fields of the first image: width, height, colour, components, bits per component.
    func firstImage(_ pdf: String) throws -> [String] {
        let line = try tool("pdfimages", "-list", pdf).split(separator: "\n").dropFirst(2).first.map(String.init) ?? ""
        return line.split(separator: " ").map(String.init)
    }

    @Test(arguments: [(TIFFFixture.Mode.cmyk, "cmyk", "4"), (.gray, "gray", "1"), (.rgb, "rgb", "3")])
    func tiffKeepsItsColourSpaceAndPixels(mode: TIFFFixture.Mode, colour: String, components: String) throws {
        let directory = try makeTemporaryDirectory("raster")
        let input = directory.appendingPathComponent("art.tif").path
        // 85 x 55 mm plus 3 mm bleed at 300 ppi: 1075 x 720 px.
        try TIFFFixture.make(width: 1075, height: 720, mode: mode).write(to: URL(fileURLWithPath: input))
        let info = try RasterHeaderReader().read(fileAt: input, kind: .tiff)
        let output = directory.appendingPathComponent("out.pdf").path
        try RasterToPDF(product: cardOrder).write(imageAt: input, kind: .tiff, info: info, to: output)
        let image = try firstImage(output)
        #expect(image.count > 8 && image[3] == "1075" && image[4] == "720", "\(image)")
        #expect(image[5] == colour && image[6] == components && image[7] == "8", "\(image)")
        // The samples are the TIFF's own, byte for byte.
        let tiff = try TIFFImage.read(path: input)
        let file = try QPDFFile(path: output)
        let objects = try #require(file.page(at: 0).inherited("Resources")?["XObject"])
        let streams = objects.keys.compactMap { objects[$0] }.filter { $0["Subtype"]?.name == "Image" }
        #expect(streams.first?.streamData().map { [UInt8]($0) } == tiff.samples)
        #expect(try tool("qpdf", "--check", output).contains("No syntax or stream encoding errors"))
    }

    @Test(.needsCorpus) func otherTIFFsAreDecodedToRGB() throws {
        let output = try makeTemporaryDirectory("raster").appendingPathComponent("out.pdf").path
        let input = Corpus.file("pypdf_smile-lzw.tiff").path
        let info = try RasterHeaderReader().read(fileAt: input, kind: .tiff)
        try RasterToPDF(product: cardOrder).write(imageAt: input, kind: .tiff, info: info, to: output)
        let image = try firstImage(output)
        #expect(image.count > 8 && image[3] == "16" && image[4] == "16" && image[5] == "rgb", "\(image)")
    }

    @Test func aBrokenTIFFIsRefusedWithAReason() throws {
        let directory = try makeTemporaryDirectory("raster")
        let input = directory.appendingPathComponent("broken.tif").path
        try Data(TIFFFixture.make(width: 100, height: 100, mode: .cmyk).prefix(300)).write(to: URL(fileURLWithPath: input))
        #expect(throws: PrintReadyError.self) {
            try RasterToPDF(product: cardOrder).write(imageAt: input, kind: .tiff, info: RasterInfo(widthPx: 100, heightPx: 100, colourMode: .cmyk),
                                                      to: directory.appendingPathComponent("out.pdf").path)
        }
    }
}
