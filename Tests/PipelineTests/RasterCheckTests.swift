import Foundation
@testable import Pipeline
import TestFixtures
import Testing

/// Image files: header facts from the corpus as identify and file(1) measured them, and each raster check
/// passing and failing on generated headers.
@Suite struct RasterCheckTests {
    @Test(.needsCorpus) func corpusHeadersMatchTheManifest() throws {
        let cmyk = try RasterHeaderReader().read(fileAt: Corpus.file("ocrmypdf_baiona_cmyk.jpg").path, kind: .jpeg)
        #expect(cmyk.widthPx == 640 && cmyk.heightPx == 682 && cmyk.colourMode == .cmyk)
        #expect(cmyk.ppiX == 200 && cmyk.ppiY == 200, "MANIFEST: 200 ppi")
        let rgb = try RasterHeaderReader().read(fileAt: Corpus.file("ocrmypdf_baiona_color.jpg").path, kind: .jpeg)
        #expect(rgb.colourMode == .rgb && rgb.ppiX == nil, "JFIF density 1x1 without unit says nothing")
        let alpha = try RasterHeaderReader().read(fileAt: Corpus.file("ocrmypdf_baiona_alpha.png").path, kind: .png)
        #expect(alpha.widthPx == 640 && alpha.heightPx == 682 && alpha.hasAlpha && alpha.colourMode == .rgb)
        let tiff = try RasterHeaderReader().read(fileAt: Corpus.file("fc_old-style-jpeg-compression.tif").path, kind: .tiff)
        #expect(tiff.widthPx == 4160 && tiff.heightPx == 870 && tiff.ppiX == 300)
        let small = try RasterHeaderReader().read(fileAt: Corpus.file("pypdf_smile-lzw.tiff").path, kind: .tiff)
        #expect(small.widthPx == 16 && small.heightPx == 16 && small.ppiX == 300)
    }

    /// A JPEG header: SOI, JFIF with a density in dpi, an optional Exif orientation, SOF0, EOI.
    static func jpeg(width: Int, height: Int, components: Int, dpi: Int = 300, orientation: Int? = nil) -> Data {
        var bytes: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0, 16] + Array("JFIF\0".utf8) + [1, 1, 1]
        bytes += [UInt8(dpi >> 8), UInt8(dpi & 0xFF), UInt8(dpi >> 8), UInt8(dpi & 0xFF), 0, 0]
        if let orientation {
            let tiff: [UInt8] = Array("MM".utf8) + [0, 42, 0, 0, 0, 8, 0, 1, 1, 0x12, 0, 3, 0, 0, 0, 1, 0, UInt8(orientation), 0, 0, 0, 0, 0, 0]
            let length = 2 + 6 + tiff.count
            bytes += [0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)] + Array("Exif\0\0".utf8) + tiff
        }
        let sofLength = 8 + 3 * components
        bytes += [0xFF, 0xC0, 0, UInt8(sofLength), 8, UInt8(height >> 8), UInt8(height & 0xFF), UInt8(width >> 8), UInt8(width & 0xFF), UInt8(components)]
        for component in 0..<components { bytes += [UInt8(component + 1), 0x11, 0] }
        bytes += [0xFF, 0xD9]
        return Data(bytes)
    }

    /// A PNG header: signature, IHDR with the colour type, IEND.
    static func png(width: Int, height: Int, colourType: UInt8) -> Data {
        func be32(_ value: Int) -> [UInt8] { [UInt8(value >> 24 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)] }
        let ihdr: [UInt8] = be32(13) + Array("IHDR".utf8) + be32(width) + be32(height) + [8, colourType, 0, 0, 0] + [0, 0, 0, 0]
        return Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + ihdr + be32(0) + Array("IEND".utf8) + [0xAE, 0x42, 0x60, 0x82])
    }

    func check(_ data: Data, ext: String, product: ProductSpec = cardOrder, profile: PreflightProfile = .basic) throws -> PreflightReport {
        let path = try makeTemporaryDirectory("raster").appendingPathComponent("image.\(ext)").path
        try data.write(to: URL(fileURLWithPath: path))
        return Preflight(product: product, profile: profile).run(fileAt: path, fileName: "image.\(ext)")
    }

    func ids(_ report: PreflightReport) -> [String] { report.findings.map(\.check) }

    @Test func aCMYKImageBigEnoughForTheCardPasses() throws {
        // 85+6 x 55+6 mm at 300 ppi is 1075 x 721 px.
        let report = try check(Self.jpeg(width: 1075, height: 721, components: 4), ext: "jpg")
        #expect(report.findings.isEmpty, "\(report.findings)")
        #expect(report.result == .pass)
        #expect(report.file.type == "jpeg" && report.file.pages == 1)
        #expect(abs((report.pages.first?.images.first?.ppiX ?? 0) - 300) < 1)
    }

    @Test func resolutionAtTheOrderedSize() throws {
        let low = try check(Self.jpeg(width: 500, height: 336, components: 4), ext: "jpg")
        let finding = try #require(low.findings.first { $0.check == "raster.resolution" })
        #expect(finding.severity == .error && finding.measured == "140 ppi")
        let soft = try check(Self.jpeg(width: 800, height: 537, components: 4), ext: "jpg")
        #expect(soft.findings.first { $0.check == "raster.resolution" }?.severity == .warning)
    }

    @Test func proportionsThatGetCropped() throws {
        let square = try check(Self.jpeg(width: 1200, height: 1200, components: 4), ext: "jpg")
        #expect(ids(square).contains("raster.pixel_size"))
    }

    @Test func colourModes() throws {
        let rgb = try check(Self.jpeg(width: 1075, height: 721, components: 3), ext: "jpg")
        #expect(rgb.findings.first { $0.check == "raster.color_mode" }?.severity == .warning)
        let strict = try check(Self.jpeg(width: 1075, height: 721, components: 3), ext: "jpg", profile: .pdfx1a)
        #expect(strict.findings.first { $0.check == "raster.color_mode" }?.severity == .error)
        let gray = try check(Self.jpeg(width: 1075, height: 721, components: 1), ext: "jpg")
        #expect(gray.findings.first { $0.check == "raster.color_mode" }?.severity == .info)
    }

    @Test func alphaChannel() throws {
        #expect(ids(try check(Self.png(width: 1075, height: 721, colourType: 6), ext: "png")).contains("raster.alpha"))
        #expect(!ids(try check(Self.png(width: 1075, height: 721, colourType: 2), ext: "png")).contains("raster.alpha"))
    }

    @Test func exifOrientation() throws {
        let turned = try check(Self.jpeg(width: 721, height: 1075, components: 4, orientation: 6), ext: "jpg")
        #expect(ids(turned) == ["raster.orientation"], "turned upright it fits the card: \(turned.findings)")
        #expect(!ids(try check(Self.jpeg(width: 1075, height: 721, components: 4, orientation: 1), ext: "jpg")).contains("raster.orientation"))
    }

    @Test func aHugeDeclaredSizeCostsNothing() throws {
        let huge = try check(Self.jpeg(width: 65000, height: 65000, components: 3), ext: "jpg", product: ProductSpec())
        #expect(huge.pages.first?.images.first?.widthPx == 65000)
    }

    @Test func aBrokenHeaderIsUnreadable() throws {
        let report = try check(Data([0xFF, 0xD8, 0xFF, 0xE0, 0, 2]), ext: "jpg")
        #expect(ids(report) == ["file.unreadable"])
    }
}
