import Foundation

/// Writes small, valid PDFs for tests, with exactly the features a test asks for: boxes, rotation, fonts,
/// Info keys, output intent, document id, annotations, forms, JavaScript. Cross-reference offsets are exact.
public struct PDFFixture: Sendable {
    public enum Font: Sendable { case none, helvetica, type3 }

    public var version = "1.4"
    public var pages = 1
    public var mediaBox: [Double] = [0, 0, 612, 792]
    public var cropBox: [Double]?
    public var bleedBox: [Double]?
    public var trimBox: [Double]?
    public var artBox: [Double]?
    /// Put the boxes on the /Pages node instead of each page, to test inheritance.
    public var boxesOnPagesNode = false
    public var rotate: Int?
    /// Page content; by default a cyan band across the page (no text, so no font findings).
    public var content: String?
    /// Content per page, instead of `content` on every page.
    public var pageContents: [String]?
    /// An ICC profile embedded as the colour space resource /ICC ([/ICCBased ...]) of every page.
    public var iccColourSpace: Data?
    public var font = Font.none
    /// Text entries of the Info dictionary; "Trapped" is written as a name.
    public var info: [String: String] = [:]
    /// The OutputConditionIdentifier of a GTS_PDFX output intent, when set.
    public var outputIntent: String?
    /// Further GTS_PDFX output intents by identifier (PDF/X allows only one).
    public var extraOutputIntents: [String] = []
    /// Embeds this ICC profile in the output intent (DestOutputProfile).
    public var outputIntentProfile: Data?
    /// An XMP metadata stream in the catalog (PDF/X-4 requires one).
    public var hasMetadata = false
    public var hasDocumentID = true
    /// The Rect of a Square annotation on page 1, when set.
    public var annotation: [Double]?
    public var hasFormField = false
    public var hasJavaScript = false
    /// Distinguishes otherwise equal files (a comment in the content).
    public var marker = ""
    /// Extra raw entries of every page's /Resources dictionary (ExtGState, ColorSpace, ...).
    public var resources = ""
    /// One indirect Resources dictionary for every page (as many producers write it), instead of one each.
    public var sharesResources = false
    /// An image drawn on every page at `imagePlacement`, through `imageFormDepth` nested Form XObjects.
    public var image: Image?
    /// The image's final matrix on the page [a b c d e f]: a and d are its placed size in points.
    public var imagePlacement: [Double] = [72, 0, 0, 72, 100, 100]
    /// How many Form XObjects the image sits in; each form scales by 2, the page matrix compensates.
    public var imageFormDepth = 0

    /// An uncompressed image XObject.
    public struct Image: Sendable {
        public var widthPx: Int
        public var heightPx: Int
        public var colorSpace: String
        public var bitsPerComponent = 8
        /// Extra raw dictionary entries (/SMask ..., /F (file.jpg) ...).
        public var extra = ""

        public init(widthPx: Int, heightPx: Int, colorSpace: String = "/DeviceCMYK", bitsPerComponent: Int = 8, extra: String = "") {
            self.widthPx = widthPx
            self.heightPx = heightPx
            self.colorSpace = colorSpace
            self.bitsPerComponent = bitsPerComponent
            self.extra = extra
        }

        var components: Int { colorSpace.contains("RGB") ? 3 : colorSpace.contains("CMYK") ? 4 : 1 }
    }

    public init() {}

    public func data() -> Data {
        var objects: [String] = []
        func add(_ object: String) -> Int {
            objects.append(object)
            return objects.count
        }
        let catalogID = add("")
        let pagesID = add("")
        var fontResource = ""
        switch font {
        case .none: break
        case .helvetica:
            fontResource = "/Font << /F1 \(add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")) 0 R >>"
        case .type3:
            let glyph = add(stream("1000 0 0 0 750 750 d1 0 0 750 750 re f"))
            fontResource = "/Font << /F1 \(add("<< /Type /Font /Subtype /Type3 /FontBBox [0 0 750 750] /FontMatrix [0.001 0 0 0.001 0 0] /CharProcs << /square \(glyph) 0 R >> /Encoding << /Type /Encoding /Differences [65 /square] >> /FirstChar 65 /LastChar 65 /Widths [1000] >>")) 0 R >>"
        }
        let boxes = boxEntries()
        var xobjects = ""
        var imageDrawing = ""
        if let image {
            let bytes = (image.widthPx * image.components * image.bitsPerComponent + 7) / 8 * image.heightPx
            let data = String(repeating: "A", count: bytes)
            var drawn = add("<< /Type /XObject /Subtype /Image /Width \(image.widthPx) /Height \(image.heightPx) /ColorSpace \(image.colorSpace) "
                            + "/BitsPerComponent \(image.bitsPerComponent) \(image.extra) /Length \(bytes) >>\nstream\n\(data)\nendstream")
            var name = "Im1"
            for level in 0..<imageFormDepth {
                let formContent = "q 2 0 0 2 0 0 cm /\(name) Do Q"
                drawn = add("<< /Type /XObject /Subtype /Form /BBox [-10000 -10000 10000 10000] /Resources << /XObject << /\(name) \(drawn) 0 R >> >> "
                            + "/Length \(formContent.utf8.count) >>\nstream\n\(formContent)\nendstream")
                name = "Fm\(level + 1)"
            }
            let scale = pow(2.0, Double(imageFormDepth))
            let placement = imagePlacement.enumerated().map { $0.offset < 4 ? $0.element / scale : $0.element }
            xobjects = "/XObject << /\(name) \(drawn) 0 R >>"
            imageDrawing = "\nq \(numbers(placement)) cm /\(name) Do Q"
        }
        var pageIDs: [Int] = []
        var annotationIDs: [Int] = []
        var resources = self.resources
        if let iccColourSpace {
            let hex = iccColourSpace.map { String(format: "%02x", $0) }.joined() + ">"
            let profile = add("<< /N 3 /Filter /ASCIIHexDecode /Length \(hex.utf8.count) >>\nstream\n\(hex)\nendstream")
            let entry = "/ICC [/ICCBased \(profile) 0 R]"
            if let range = resources.range(of: "/ColorSpace << ") {
                resources.replaceSubrange(range, with: "/ColorSpace << \(entry) ")
            } else {
                resources += " /ColorSpace << \(entry) >>"
            }
        }
        let sharedResourcesID = sharesResources ? add("<< \(fontResource) \(xobjects) \(resources) >>") : nil
        for index in 0..<pages {
            let defaultContent = "% \(marker)\n0 0.5 1 0 k \(mediaBox[0]) \(mediaBox[1]) \(mediaBox[2] - mediaBox[0]) \((mediaBox[3] - mediaBox[1]) / 3) re f"
                + (font == .none ? "" : "\nBT /F1 9 Tf 20 20 Td (Page \(index + 1)) Tj ET")
            let contentID = add(stream((pageContents.flatMap { index < $0.count ? $0[index] : nil } ?? content ?? defaultContent) + imageDrawing))
            var annots = ""
            if index == 0, let annotation {
                let id = add("<< /Type /Annot /Subtype /Square /Rect [\(numbers(annotation))] /C [1 0 0] >>")
                annotationIDs.append(id)
                annots = " /Annots [\(id) 0 R]"
            }
            if index == 0, hasFormField {
                let id = add("<< /Type /Annot /Subtype /Widget /FT /Tx /T (name) /Rect [10 10 100 30] >>")
                annotationIDs.append(id)
                annots = " /Annots [\(annotationIDs.map { "\($0) 0 R" }.joined(separator: " "))]"
            }
            let rotation = rotate.map { " /Rotate \($0)" } ?? ""
            pageIDs.append(add("<< /Type /Page /Parent \(pagesID) 0 R\(boxesOnPagesNode ? "" : boxes)\(rotation) "
                               + "/Resources \(sharedResourcesID.map { "\($0) 0 R" } ?? "<< \(fontResource) \(xobjects) \(resources) >>") "
                               + "/Contents \(contentID) 0 R\(annots) >>"))
        }
        objects[pagesID - 1] = "<< /Type /Pages /Kids [\(pageIDs.map { "\($0) 0 R" }.joined(separator: " "))] /Count \(pages)"
            + "\(boxesOnPagesNode ? boxes : "") >>"
        var catalog = "<< /Type /Catalog /Pages \(pagesID) 0 R"
        if let outputIntent {
            var profile = ""
            if let outputIntentProfile {
                let hex = outputIntentProfile.map { String(format: "%02x", $0) }.joined() + ">"
                profile = " /DestOutputProfile \(add("<< /N 4 /Filter /ASCIIHexDecode /Length \(hex.utf8.count) >>\nstream\n\(hex)\nendstream")) 0 R"
            }
            let intents = ([outputIntent] + extraOutputIntents).enumerated().map { index, identifier in
                "<< /Type /OutputIntent /S /GTS_PDFX /OutputConditionIdentifier (\(identifier)) /RegistryName (http://www.color.org)\(index == 0 ? profile : "") >>"
            }
            catalog += " /OutputIntents [\(intents.joined(separator: " "))]"
        }
        if hasMetadata {
            let xmp = "<?xpacket begin='' id='W5M0MpCehiHzreSzNTczkc9d'?><x:xmpmeta xmlns:x='adobe:ns:meta/'></x:xmpmeta><?xpacket end='w'?>"
            catalog += " /Metadata \(add("<< /Type /Metadata /Subtype /XML /Length \(xmp.utf8.count) >>\nstream\n\(xmp)\nendstream")) 0 R"
        }
        if hasFormField, let field = annotationIDs.last { catalog += " /AcroForm << /Fields [\(field) 0 R] >>" }
        if hasJavaScript {
            let action = add("<< /S /JavaScript /JS (app.alert\\('hi'\\);) >>")
            catalog += " /OpenAction \(action) 0 R"
        }
        objects[catalogID - 1] = catalog + " >>"
        var infoID: Int?
        if !info.isEmpty {
            let entries = info.sorted { $0.key < $1.key }.map { key, value in
                key == "Trapped" ? "/Trapped /\(value)" : "/\(key) (\(value))"
            }
            infoID = add("<< \(entries.joined(separator: " ")) >>")
        }

        var data = Data("%PDF-\(version)\n%\u{E2}\u{E3}\u{CF}\u{D3}\n".utf8)
        var offsets: [Int] = []
        for (index, object) in objects.enumerated() {
            offsets.append(data.count)
            data.append(Data("\(index + 1) 0 obj\n\(object)\nendobj\n".utf8))
        }
        let xref = data.count
        var trailer = "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
        for offset in offsets { trailer += String(format: "%010d 00000 n \n", offset) }
        trailer += "trailer\n<< /Size \(objects.count + 1) /Root \(catalogID) 0 R"
        if let infoID { trailer += " /Info \(infoID) 0 R" }
        if hasDocumentID { trailer += " /ID [<0123456789ABCDEF0123456789ABCDEF> <0123456789ABCDEF0123456789ABCDEF>]" }
        trailer += " >>\nstartxref\n\(xref)\n%%EOF\n"
        data.append(Data(trailer.utf8))
        return data
    }

    private func boxEntries() -> String {
        var text = " /MediaBox [\(numbers(mediaBox))]"
        for (name, box) in [("CropBox", cropBox), ("BleedBox", bleedBox), ("TrimBox", trimBox), ("ArtBox", artBox)] {
            if let box { text += " /\(name) [\(numbers(box))]" }
        }
        return text
    }

    private func numbers(_ values: [Double]) -> String { values.map { String(format: "%.3f", $0) }.joined(separator: " ") }

    private func stream(_ content: String) -> String {
        "<< /Length \(content.utf8.count) >>\nstream\n\(content)\nendstream"
    }

    // MARK: Ready-made fixtures

    public static let mm = 72 / 25.4

    /// A business card (85 x 55 mm trim, 3 mm bleed, boxes set), `pages` pages, no text.
    public static func businessCard(pages: Int = 2, marker: String = "") -> Data {
        var fixture = PDFFixture()
        fixture.pages = pages
        fixture.mediaBox = [0, 0, 91 * mm, 61 * mm]
        fixture.bleedBox = [0, 0, 91 * mm, 61 * mm]
        fixture.trimBox = [3 * mm, 3 * mm, 88 * mm, 58 * mm]
        fixture.marker = marker
        return fixture.data()
    }

    /// `pages` letter pages with the given content (or the default band).
    public static func make(pages: Int = 1, widthPt: Double = 612, heightPt: Double = 792, content: String? = nil) -> Data {
        var fixture = PDFFixture()
        fixture.pages = pages
        fixture.mediaBox = [0, 0, widthPt, heightPt]
        fixture.content = content
        return fixture.data()
    }

    /// Two 30 x 30 inch pages with `shapes` overlapping curves each: slow to render, harmless to parse.
    public static func slowToRender(shapes: Int = 20_000) -> Data {
        var content = "0.2 w\n"
        content.reserveCapacity(shapes * 40)
        for index in 0..<shapes {
            let x = Double(index % 2000), y = Double((index * 7) % 2100)
            content += "\(x) \(y) m \(x + 90) \(y + 400) \(x + 200) \(y - 50) \(x + 300) \(y + 60) c S\n"
        }
        return make(pages: 2, widthPt: 2160, heightPt: 2160, content: content)
    }
}

/// Files in ../shared/corpus (beside the checkout, as in CI), measured facts in its MANIFEST.tsv.
/// $HFA_CORPUS names another copy of the files folder.
///
/// Tests that read it carry the `.needsCorpus` trait: without the corpus they are skipped with a line
/// saying where to put it, except under `CI=true`, where they run (and fail) so that a missing corpus never
/// passes for green.
public enum Corpus {
    /// Whether the corpus's files are there.
    public static var isAvailable: Bool { FileManager.default.fileExists(atPath: directory.appendingPathComponent("ocrmypdf_vector.pdf").path) }

    /// CI must have the corpus: there a missing one fails the tests that need it instead of skipping them.
    public static var isRequired: Bool { ProcessInfo.processInfo.environment["CI"] == "true" }

    /// The one line a skipped test shows.
    public static let whereToPutIt = "needs the public corpus: put it at ../shared/corpus beside the checkout, or set HFA_CORPUS to its files folder"

    public static var directory: URL {
        if let path = ProcessInfo.processInfo.environment["HFA_CORPUS"] { return URL(fileURLWithPath: path) }
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            let candidate = url.appendingPathComponent("shared/corpus/files")
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
            let sibling = url.deletingLastPathComponent().appendingPathComponent("shared/corpus/files")
            if FileManager.default.fileExists(atPath: sibling.path) { return sibling }
        }
        return URL(fileURLWithPath: "../shared/corpus/files")
    }

    public static func file(_ name: String) -> URL { directory.appendingPathComponent(name) }

    /// MANIFEST.tsv as one dictionary per file, keyed by column name.
    public static var manifest: [[String: String]] {
        guard let text = try? String(contentsOf: directory.deletingLastPathComponent().appendingPathComponent("MANIFEST.tsv"),
                                     encoding: .utf8) else { return [] }
        let lines = text.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        guard let header = lines.first else { return [] }
        return lines.dropFirst().map { Dictionary(zip(header, $0), uniquingKeysWith: { first, _ in first }) }
    }
}

/// A fresh temporary folder, removed by the caller (or left for inspection when a test fails).
public func makeTemporaryDirectory(_ label: String = "test") throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("hfa-\(label)-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url.resolvingSymlinksInPath()
}

/// `runProgram` on a thread of its own: for programs that run for seconds, which would otherwise hold one of
/// the few threads of Swift's cooperative pool (two on a two-core machine) that every async test shares.
public func runProgramOffThePool(_ program: String, _ arguments: [String],
                                 includingErrors: Bool = false) async throws -> (status: Int32, output: String) {
    try await offThePool { try runProgram(program, arguments, includingErrors: includingErrors) }
}

/// Blocking work (a child process, a big file) on a thread of its own, awaited without holding a pool thread.
public func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try work() }) }.start()
    }
}

/// Runs a program from PATH (or an absolute path); returns its exit status and standard output (and its
/// standard error with it when `includingErrors`).
@discardableResult
public func runProgram(_ program: String, _ arguments: [String], includingErrors: Bool = false) throws -> (status: Int32, output: String) {
    let process = Process()
    if program.hasPrefix("/") {
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
    } else {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [program] + arguments
    }
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = includingErrors ? pipe : FileHandle.nullDevice
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// Uncompressed 8-bit TIFF files for tests: grey (1 sample), RGB (3) or CMYK (4), 300 ppi, filled with
/// `sample(x, y, channel)`.
public enum TIFFFixture {
    public enum Mode: Sendable { case gray, rgb, cmyk }

    public static func make(width: Int, height: Int, mode: Mode, sample: (Int, Int, Int) -> UInt8 = { x, y, c in UInt8((x * 7 + y * 3 + c * 50) & 0xFF) }) -> Data {
        let channels = switch mode { case .gray: 1; case .rgb: 3; case .cmyk: 4 }
        let photometric: UInt16 = switch mode { case .gray: 1; case .rgb: 2; case .cmyk: 5 }
        var pixels = [UInt8]()
        pixels.reserveCapacity(width * height * channels)
        for y in 0..<height { for x in 0..<width { for c in 0..<channels { pixels.append(sample(x, y, c)) } } }
        // Layout: header, pixel data, BitsPerSample values, resolution rationals, then the directory.
        var data = Data([0x49, 0x49, 42, 0])
        func u16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
        func u32(_ v: UInt32) -> [UInt8] { [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF), UInt8((v >> 16) & 0xFF), UInt8(v >> 24)] }
        let pixelOffset = 8
        let bitsOffset = pixelOffset + pixels.count
        let resolutionOffset = bitsOffset + channels * 2
        let directoryOffset = resolutionOffset + 16
        data.append(contentsOf: u32(UInt32(directoryOffset)))
        data.append(contentsOf: pixels)
        for _ in 0..<channels { data.append(contentsOf: u16(8)) }
        data.append(contentsOf: u32(300) + u32(1) + u32(300) + u32(1))
        var entries: [(UInt16, UInt16, UInt32, UInt32)] = [  // tag, type, count, value or offset
            (256, 4, 1, UInt32(width)), (257, 4, 1, UInt32(height)),
            (258, 3, UInt32(channels), channels == 1 ? 8 : UInt32(bitsOffset)),
            (259, 3, 1, 1), (262, 3, 1, UInt32(photometric)), (273, 4, 1, UInt32(pixelOffset)),
            (277, 3, 1, UInt32(channels)), (278, 4, 1, UInt32(height)), (279, 4, 1, UInt32(pixels.count)),
            (282, 5, 1, UInt32(resolutionOffset)), (283, 5, 1, UInt32(resolutionOffset + 8)), (284, 3, 1, 1), (296, 3, 1, 2),
        ]
        if mode == .cmyk { entries.append((332, 3, 1, 1)) }
        entries.sort { $0.0 < $1.0 }
        data.append(contentsOf: u16(UInt16(entries.count)))
        for (tag, type, count, value) in entries {
            data.append(contentsOf: u16(tag) + u16(type) + u32(count))
            // SHORT values sit left-justified in the 4-byte field.
            data.append(contentsOf: type == 3 && count == 1 ? u16(UInt16(value)) + [0, 0] : u32(value))
        }
        data.append(contentsOf: u32(0))
        return data
    }
}
