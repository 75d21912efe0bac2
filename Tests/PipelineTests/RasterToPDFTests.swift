import Foundation
import Pipeline
import TestFixtures
import Testing

/// Image files become a PDF of trim plus bleed; JPEG data goes in as it is.
@Suite struct RasterToPDFTests {
    func tool(_ arguments: String...) throws -> String {
        try runProgram(arguments[0], Array(arguments.dropFirst())).output
    }

    @Test func cmykJPEGStaysCMYKAndIsEmbeddedAsIs() throws {
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

    @Test func pngIsDecodedAndPlaced() throws {
        let input = Corpus.file("ocrmypdf_baiona_alpha.png").path
        let output = try makeTemporaryDirectory("raster").appendingPathComponent("out.pdf").path
        let info = try RasterHeaderReader().read(fileAt: input, kind: .png)
        try RasterToPDF(product: cardOrder).write(imageAt: input, kind: .png, info: info, to: output)
        #expect(try tool("pdfimages", "-list", output).contains("rgb"))
    }

    @Test func mirroredBleedFillsTheBleedFromTheEdges() throws {
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

    @Test func tiffIsRefusedWithAReason() throws {
        let output = try makeTemporaryDirectory("raster").appendingPathComponent("out.pdf").path
        #expect(throws: PrintReadyError.self) {
            try RasterToPDF(product: cardOrder).write(imageAt: Corpus.file("pypdf_smile-lzw.tiff").path, kind: .tiff,
                                                      info: RasterInfo(widthPx: 16, heightPx: 16, colourMode: .rgb), to: output)
        }
    }
}
