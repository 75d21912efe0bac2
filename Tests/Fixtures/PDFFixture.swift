import Foundation

/// Writes small, valid PDFs for tests: n pages of a given size, each with a line of text and a filled
/// rectangle, optionally with TrimBox and BleedBox, and a correct cross-reference table.
public enum PDFFixture {
    public static func make(pages: Int = 1, widthPt: Double = 612, heightPt: Double = 792,
                            trimBox: [Double]? = nil, bleedBox: [Double]? = nil, marker: String = "",
                            content: String? = nil) -> Data {
        var objects: [String] = []
        let pageIDs = (0..<pages).map { 4 + $0 * 2 }
        objects.append("<< /Type /Catalog /Pages 2 0 R >>")
        objects.append("<< /Type /Pages /Kids [\(pageIDs.map { "\($0) 0 R" }.joined(separator: " "))] /Count \(pages) >>")
        objects.append("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
        for index in 0..<pages {
            var boxes = ""
            if let trimBox { boxes += " /TrimBox [\(trimBox.map { format($0) }.joined(separator: " "))]" }
            if let bleedBox { boxes += " /BleedBox [\(bleedBox.map { format($0) }.joined(separator: " "))]" }
            objects.append("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 \(format(widthPt)) \(format(heightPt))]\(boxes) "
                           + "/Resources << /Font << /F1 3 0 R >> >> /Contents \(5 + index * 2) 0 R >>")
            let text = "Page \(index + 1) \(marker)".replacingOccurrences(of: "(", with: "").replacingOccurrences(of: ")", with: "")
            let content = content ?? "0 0.5 1 0 k 0 0 \(format(widthPt)) \(format(heightPt / 4)) re f BT /F1 9 Tf 12 \(format(heightPt / 2)) Td (\(text)) Tj ET"
            objects.append("<< /Length \(content.utf8.count) >>\nstream\n\(content)\nendstream")
        }
        var output = "%PDF-1.4\n%\u{E2}\u{E3}\u{CF}\u{D3}\n"
        var data = Data(output.utf8)
        var offsets: [Int] = []
        for (index, object) in objects.enumerated() {
            offsets.append(data.count)
            data.append(Data("\(index + 1) 0 obj\n\(object)\nendobj\n".utf8))
        }
        let xref = data.count
        output = "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
        for offset in offsets { output += String(format: "%010d 00000 n \n", offset) }
        output += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        data.append(Data(output.utf8))
        return data
    }

    /// A business card (85 x 55 mm trim, 3 mm bleed) with boxes set, `pages` pages.
    public static func businessCard(pages: Int = 2, marker: String = "") -> Data {
        let mm = 72 / 25.4
        let width = 91 * mm, height = 61 * mm
        return make(pages: pages, widthPt: width, heightPt: height,
                    trimBox: [3 * mm, 3 * mm, 88 * mm, 58 * mm], bleedBox: [0, 0, width, height], marker: marker)
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

    private static func format(_ value: Double) -> String { String(format: "%.3f", value) }
}

/// Files in ../shared/corpus (beside the checkout, as in CI), measured facts in its MANIFEST.tsv.
/// $HFA_CORPUS names another copy of the files folder.
public enum Corpus {
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
}

/// A fresh temporary folder, removed by the caller (or left for inspection when a test fails).
public func makeTemporaryDirectory(_ label: String = "test") throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("hfa-\(label)-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url.resolvingSymlinksInPath()
}
