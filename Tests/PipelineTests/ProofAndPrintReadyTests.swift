import Foundation
import Pipeline
import TestFixtures
import Testing

@Suite struct ProofAndPrintReadyTests {
    @Test func rendersOnePNGPerPage() throws {
        let directory = try makeTemporaryDirectory("proof")
        let pdf = directory.appendingPathComponent("card.pdf")
        try PDFFixture.businessCard(pages: 2).write(to: pdf)
        let names = try ProofRenderer(pixelsPerInch: 72).renderPages(ofPDFAt: pdf.path, into: directory)
        #expect(names == ["page-1.png", "page-2.png"])
        let png = try Data(contentsOf: directory.appendingPathComponent("page-1.png"))
        #expect(ArtworkKind.sniff(png) == .png)
        // PNG IHDR: width at bytes 16..<20; 91 mm at 72 ppi is 258 px (rounded up).
        let width = png[16..<20].reduce(0) { $0 << 8 | Int($1) }
        #expect(width == 258)
    }

    @Test func printReadyOfADamagedFileIsAnError() throws {
        let output = try makeTemporaryDirectory("qpdf").appendingPathComponent("out.pdf")
        #expect(throws: PrintReadyError.self) {
            try PrintReadyPDF(product: ProductSpec()).write(pdfAt: Corpus.file("fc_minimal_test.pdf").path, to: output.path)
        }
    }
}
