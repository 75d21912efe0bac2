import Foundation
import Pipeline
import TestFixtures
import Testing

/// The parts of a product become one print-ready PDF: pages in order, content as it was, every part's
/// die-line layer listed.
@Suite struct PDFCombinerTests {
    @Test func pagesFollowInOrderWithTheirContentAndEveryLayerListed() throws {
        let directory = try makeTemporaryDirectory("combine")
        var paths: [String] = []
        for (name, colour) in [("front", "0 1 1 0 k"), ("back", "1 0 0 0 k")] {
            let input = directory.appendingPathComponent("\(name)-in.pdf").path
            let output = directory.appendingPathComponent("\(name).pdf").path
            try sticker("% \(name.uppercased())-SIDE\n\(colour) 0 0 500 500 re f").data().write(to: URL(fileURLWithPath: input))
            // Each part made print-ready on its own: a round sticker has its CutContour on a layer.
            try PrintReadyPDF(product: stickerOrder).write(pdfAt: input, to: output)
            paths.append(output)
        }
        let combined = directory.appendingPathComponent("combined.pdf").path
        try PDFCombiner().combine(paths, to: combined)
        #expect(try runProgram("qpdf", ["--check", combined]).status == 0)
        #expect(try runProgram("pdfinfo", [combined]).output.contains("Pages:           2"))

        let readable = directory.appendingPathComponent("qdf.pdf").path
        #expect(try runProgram("qpdf", ["--qdf", "--object-streams=disable", combined, readable]).status == 0)
        let text = try String(contentsOfFile: readable, encoding: .isoLatin1)
        let front = try #require(text.range(of: "% FRONT-SIDE")), back = try #require(text.range(of: "% BACK-SIDE"))
        let second = try #require(text.range(of: "%% Contents for page 2"))
        #expect(front.lowerBound < second.lowerBound && second.lowerBound < back.lowerBound)
        // Both parts' groups are listed; the back's cut line is not left on a layer the file does not know.
        let groups = try NSRegularExpression(pattern: #"/Type\s*/OCG\b"#).numberOfMatches(in: text, range: NSRange(text.startIndex..., in: text))
        #expect(groups == 2, "two groups, one per part")
        let listed = try #require(text.range(of: #"/OCGs\s*\[[^\]]*\]"#, options: .regularExpression))
        #expect(text[listed].components(separatedBy: " R").count - 1 == 2, "both listed in the catalog: \(text[listed])")
        #expect(text.hasPrefix("%PDF-1.5"))
    }

    @Test func aPartThatCannotBeReadIsAnError() throws {
        let directory = try makeTemporaryDirectory("combine")
        let good = directory.appendingPathComponent("good.pdf").path
        try PDFFixture.businessCard(pages: 1).write(to: URL(fileURLWithPath: good))
        let bad = directory.appendingPathComponent("bad.pdf").path
        try Data("not a pdf".utf8).write(to: URL(fileURLWithPath: bad))
        #expect(throws: (any Error).self) { try PDFCombiner().combine([good, bad], to: directory.appendingPathComponent("out.pdf").path) }
        #expect(throws: (any Error).self) { try PDFCombiner().combine([], to: directory.appendingPathComponent("out.pdf").path) }
    }
}

/// The report of a job made of parts counts pages as the combined file does, and says each finding's part.
@Suite struct PartReportTests {
    func report(file: String, pages: Int, findings: [Finding]) -> PreflightReport {
        PreflightReport(profile: "basic", file: .init(name: file, sha256: nil, bytes: 10, type: "pdf", pdfVersion: "1.4", pages: pages,
                                                      encrypted: false, pdfx: nil),
                        product: .init(ProductSpec()), pages: [], fonts: [], spotColors: [], findings: findings, durationMs: 3)
    }

    @Test func findingsNameTheirPartAndCountPagesThroughTheParts() {
        let text = Finding(check: "safety.text", severity: .error, page: 1,
                           message: Message("safety.text", ["page": .count(1), "count": .count(2), "safetyMm": .number(3)]))
        let front = report(file: "front.pdf", pages: 1, findings: [])
        let back = report(file: "back.pdf", pages: 1, findings: [text])
        let combined = PreflightReport.combining([("front", front), ("back", back)], product: ProductSpec())
        #expect(combined.result == .fail && combined.file.pages == 2 && combined.durationMs == 6)
        let finding = combined.findings.first
        #expect(finding?.part == "back" && finding?.page == 2)
        #expect(finding?.message == MessageCatalogue.english.render("safety.text", ["page": .count(2), "count": .count(2), "safetyMm": .number(3)]))
        #expect(finding?.message.hasPrefix("Page 2 ") == true, "the back's page 1 is page 2 of the job")
        // Each part's own report is kept as it was written, pages counted within it.
        #expect(combined.parts?.map(\.name) == ["front", "back"] && combined.parts?.map(\.firstPage) == [1, 2])
        #expect(combined.parts?.last?.report.findings.first?.page == 1)
    }
}
