import Foundation
import Pipeline
import TestFixtures
import Testing

/// Reports on the public corpus agree with what poppler-utils and qpdf measured (../shared/corpus/MANIFEST.tsv).
@Suite struct CorpusManifestTests {
    struct Row: Sendable, CustomStringConvertible {
        var fields: [String: String]
        var file: String { fields["file"] ?? "" }
        var description: String { file }
    }

    static let pdfRows: [Row] = Corpus.manifest.map(Row.init).filter { $0.file.hasSuffix(".pdf") }

    private func report(_ row: Row) -> PreflightReport {
        Preflight(product: ProductSpec()).run(fileAt: Corpus.file(row.file).path, fileName: row.file)
    }

    @Test(.needsCorpus, arguments: pdfRows)
    func pageCountAndEncryption(row: Row) {
        let report = report(row)
        let opened = report.file.pages != nil
        if let pages = Int(row.fields["pages"] ?? ""), pages > 0, opened {
            #expect(report.file.pages == pages, "\(row.file)")
        }
        if row.fields["encrypted"]?.hasPrefix("yes") == true {
            #expect(report.file.encrypted, "\(row.file) is encrypted")
        } else if opened {
            #expect(!report.file.encrypted, "\(row.file) is not encrypted")
        }
    }

    /// Damaged hand-built files are left out: pdffonts lists an unembedded Times-Italic in them (as we do)
    /// while reporting xref errors, and the manifest counted 0.
    @Test(.needsCorpus, arguments: pdfRows.filter { Int($0.fields["fonts_not_embedded_count"] ?? "") != nil
                                      && !($0.fields["qpdf_check"] ?? "").contains("damaged")
                                      && !($0.fields["notes"] ?? "").contains("Internal Error") })
    func fontsNotEmbedded(row: Row) {
        let report = report(row)
        guard report.file.pages != nil else { return }
        let expected = Int(row.fields["fonts_not_embedded_count"]!)!
        #expect(report.fonts.filter { !$0.embedded }.count == expected, "\(row.file): \(report.fonts)")
        #expect(report.findings.filter { $0.check == "fonts.not_embedded" }.count == expected)
    }

    @Test(.needsCorpus, arguments: pdfRows.filter { Double($0.fields["min_image_ppi"] ?? "") != nil })
    func minimumImageResolutionWithinOnePercent(row: Row) {
        let report = report(row)
        guard report.file.pages != nil else { return }
        let expected = Double(row.fields["min_image_ppi"]!)!
        let measured = report.pages.flatMap(\.images).map { min($0.ppiX, $0.ppiY) }.min()
        let tolerance = max(expected * 0.01, 0.5)  // pdfimages -list rounds to whole ppi
        #expect(measured.map { abs($0 - expected) <= tolerance } == true,
                "\(row.file): measured \(measured.map { String($0) } ?? "no images"), pdfimages \(expected)")
    }
}

/// The one test that says outright what is wrong when CI has no corpus.
@Suite struct CorpusPresenceTests {
    @Test func ciHasTheCorpus() {
        if Corpus.isRequired {
            #expect(Corpus.isAvailable, "CI=true but the corpus is missing at \(Corpus.directory.path): \(Corpus.whereToPutIt)")
        }
    }
}
