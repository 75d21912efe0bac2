import Foundation
import Pipeline
import TestFixtures
import Testing

@Suite struct ProofAndPrintReadyTests {
    @Test func rendersOnePNGPerPageCoveringTheBleedArea() throws {
        let directory = try makeTemporaryDirectory("proof")
        let pdf = directory.appendingPathComponent("card.pdf")
        try PDFFixture.businessCard(pages: 2).write(to: pdf)
        let names = try ProofRenderer(pixelsPerInch: 72).renderPages(ofPDFAt: pdf.path, into: directory)
        #expect(names == ["page-1.png", "page-2.png"])
        let png = try Data(contentsOf: directory.appendingPathComponent("page-1.png"))
        #expect(ArtworkKind.sniff(png) == .png)
        // PNG IHDR: width and height at bytes 16..<24; 91 x 61 mm at 72 ppi is 258 x 173 px, plus the legend band.
        let width = png[16..<20].reduce(0) { $0 << 8 | Int($1) }
        let height = png[20..<24].reduce(0) { $0 << 8 | Int($1) }
        #expect(width == 258 && height == 173 + 28)
    }

    @Test(.needsCorpus) func printReadyOfADamagedFileIsAnError() throws {
        let output = try makeTemporaryDirectory("qpdf").appendingPathComponent("out.pdf")
        #expect(throws: PrintReadyError.self) {
            try PrintReadyPDF(product: ProductSpec()).write(pdfAt: Corpus.file("fc_minimal_test.pdf").path, to: output.path)
        }
    }
}
