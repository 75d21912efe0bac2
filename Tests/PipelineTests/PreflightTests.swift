import Foundation
import Pipeline
import TestFixtures
import Testing

@Suite struct PreflightTests {
    private func write(_ data: Data, _ name: String) throws -> String {
        let path = try makeTemporaryDirectory("preflight").appendingPathComponent(name).path
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func countsPagesOfAGeneratedPDF() throws {
        let path = try write(PDFFixture.businessCard(pages: 2), "card.pdf")
        let inspection = try ArtworkInspector().inspect(fileAt: path)
        #expect(inspection.kind == .pdf)
        #expect(inspection.pageCount == 2)
        #expect(abs(inspection.pageSizes[0].widthPt - 91 * 72 / 25.4) < 0.01)
    }

    @Test func pageCountMatchingTheOrderPasses() throws {
        let path = try write(PDFFixture.businessCard(pages: 2), "card.pdf")
        let report = Preflight(product: ProductSpec(pages: .exactly(2))).run(fileAt: path, fileName: "card.pdf")
        #expect(report.result == .pass)
        #expect(report.findings.isEmpty)
    }

    @Test func pageCountDifferingFromTheOrderFails() throws {
        let path = try write(PDFFixture.businessCard(pages: 3), "card.pdf")
        let report = Preflight(product: ProductSpec(pages: .exactly(2))).run(fileAt: path, fileName: "card.pdf")
        #expect(report.result == .fail)
        #expect(report.findings.map(\.check) == ["pages.count"])
        #expect(report.findings.first?.measured == "3")
        #expect(report.findings.first?.expected == "2")
    }

    @Test func corpusPageCountsMatchTheManifest() throws {
        // MANIFEST.tsv: ocrmypdf_multipage.pdf has 6 pages, pdfa20_page-level-output-intent.pdf has 1.
        #expect(try ArtworkInspector().inspect(fileAt: Corpus.file("ocrmypdf_multipage.pdf").path).pageCount == 6)
    }

    @Test func damagedAndEncryptedFilesEndAsFindingsNotCrashes() {
        let damaged = Preflight(product: ProductSpec()).run(fileAt: Corpus.file("fc_minimal_test.pdf").path, fileName: "x.pdf")
        #expect(damaged.findings.map(\.check) == ["file.unreadable"])
        let encrypted = Preflight(product: ProductSpec()).run(fileAt: Corpus.file("fc_encryption_openpassword.pdf").path, fileName: "y.pdf")
        #expect(encrypted.findings.map(\.check) == ["file.encrypted"])
        #expect(encrypted.result == .fail)
    }

    @Test func reportJSONUsesTheContractFieldNames() throws {
        let report = PreflightReport(fileName: "a.pdf", product: ProductSpec(), inspection: nil,
                                     findings: [Finding(check: "pages.count", severity: .error, page: nil, message: "m")])
        let object = try JSONSerialization.jsonObject(with: report.jsonData()) as? [String: Any]
        #expect(object?["schemaVersion"] as? Int == 1)
        #expect(object?["result"] as? String == "fail")
        let finding = (object?["findings"] as? [[String: Any]])?.first
        #expect(finding?["check"] as? String == "pages.count")
        #expect(finding?["severity"] as? String == "error")
    }
}
