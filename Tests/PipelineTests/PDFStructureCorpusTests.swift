import Foundation
import Pipeline
import TestFixtures
import Testing

/// Page boxes read with qpdf agree with the page dictionaries as measured in ../shared/corpus/BOXES.tsv.
@Suite struct PDFStructureCorpusTests {
    struct BoxRow: Sendable, CustomStringConvertible {
        var file: String
        var raw: [String: String]
        var description: String { file }
    }

    static let rows: [BoxRow] = {
        guard let text = try? String(contentsOf: Corpus.directory.deletingLastPathComponent().appendingPathComponent("BOXES.tsv"),
                                     encoding: .utf8) else { return [] }
        let lines = text.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        guard let header = lines.first else { return [] }
        return lines.dropFirst().compactMap { fields in
            var raw: [String: String] = [:]
            for (key, value) in zip(header, fields) { raw[key] = value }
            guard let file = raw["file"], file.hasSuffix(".pdf"), !(raw["raw_MediaBox"] ?? "").isEmpty else { return nil }
            return BoxRow(file: file, raw: raw)
        }
    }()

    private func rect(_ text: String?) -> PDFRect? {
        guard let text, !text.isEmpty else { return nil }
        return PDFRect(text.split(separator: " ").compactMap { Double($0) })
    }

    /// BOXES.tsv rounds to two decimals.
    static func isClose(_ a: PDFRect?, _ b: PDFRect?) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        return abs(a.x0 - b.x0) < 0.006 && abs(a.y0 - b.y0) < 0.006 && abs(a.x1 - b.x1) < 0.006 && abs(a.y1 - b.y1) < 0.006
    }

    @Test(.needsCorpus) func corpusHasBoxRows() { #expect(Self.rows.count >= 20) }

    @Test(.needsCorpus, arguments: rows)
    func pageOneBoxesMatchThePageDictionary(row: BoxRow) throws {
        let path = Corpus.file(row.file).path
        guard let structure = try? PDFStructureReader().read(fileAt: path), let page = structure.pages.first else {
            // Files qpdf cannot open (encrypted with a user password, broken) are covered by the unreadable tests.
            return
        }
        for (name, box) in [("MediaBox", page.mediaBox), ("TrimBox", page.trimBox), ("BleedBox", page.bleedBox),
                            ("CropBox", page.cropBox), ("ArtBox", page.artBox)] {
            let expected = rect(row.raw["raw_\(name)"])
            #expect(Self.isClose(box, expected), "\(name) of \(row.file): \(String(describing: box)) vs \(String(describing: expected))")
        }
    }
}
