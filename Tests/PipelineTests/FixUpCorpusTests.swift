import Foundation
import Pipeline
import TestFixtures
import Testing

/// Print-ready and the fix-ups on every file of the public corpus: PDF/X files stay PDF/X, colour
/// conversion leaves sound PDFs and no RGB it does not own up to.
@Suite struct FixUpCorpusTests {
    static var pdfs: [String] {
        Corpus.manifest.compactMap { $0["file"] }.filter { $0.hasSuffix(".pdf") }.sorted()
    }

    /// The corpus files that claim PDF/X (GTS_PDFXVersion), read with our own structure reader.
    static var pdfxFiles: [String] {
        pdfs.filter { name in (try? PDFStructureReader(readsContent: false).read(fileAt: Corpus.file(name).path))?.info["GTS_PDFXVersion"] != nil }
    }

    @Test(.needsCorpus) func theCorpusHasPDFXFiles() { #expect(Self.pdfxFiles.count >= 2, "\(Self.pdfxFiles)") }

    @Test(.needsCorpus, arguments: pdfxFiles)
    func aPDFXFileStaysPDFXThroughPrintReady(name: String) throws {
        let input = Corpus.file(name).path
        let directory = try makeTemporaryDirectory("pdfx-corpus")
        for marks in PrintReadySettings.Marks.allCases {
            let output = directory.appendingPathComponent("\(marks.rawValue).pdf").path
            try PrintReadyPDF(product: ProductSpec(), settings: PrintReadySettings(marks: marks)).write(pdfAt: input, to: output)
            let before = try PDFStructureReader().read(fileAt: input), after = try PDFStructureReader().read(fileAt: output)
            #expect(after.version == before.version, "\(name) with marks \(marks): PDF \(before.version) became \(after.version)")
            #expect(after.info["GTS_PDFXVersion"] == before.info["GTS_PDFXVersion"])
            #expect(after.outputIntents == before.outputIntents)
            #expect(after.hasMetadata == before.hasMetadata)
            for profile in PreflightProfile.all {
                let judged = { (path: String) in Preflight(product: ProductSpec(), profile: profile).run(fileAt: path, fileName: name) }
                guard judged(input).result != .fail else { continue }
                let report = judged(output)
                let errors = report.findings.filter { $0.severity == .error }.map(\.message)
                #expect(report.result != .fail, "\(name) passes \(profile.name) but its print-ready file (marks \(marks)) does not: \(errors)")
            }
        }
    }

    @Test(.needsCorpus, arguments: pdfs)
    func colourConversionLeavesASoundFileAndOnlyTheRGBItSaysItCouldNotConvert(name: String) throws {
        let input = Corpus.file(name).path
        let output = try makeTemporaryDirectory("cmyk-corpus").appendingPathComponent("out.pdf").path
        let fixer = ArtworkFixer(product: ProductSpec(), settings: FixUpSettings(fixups: [.colorCMYK]))
        let outcome = Result { () throws(FixUpError) in try fixer.fix(pdfAt: input, writingTo: output) }
        // A file that cannot be opened has nothing to convert; preflight reports it.
        if case .failure(.unreadable) = outcome { return }
        let fixes = try outcome.get()
        guard !fixes.isEmpty else {
            #expect(!FileManager.default.fileExists(atPath: output))
            return
        }
        let (inputCheck, _) = try runProgram("qpdf", ["--check", input])
        let (outputCheck, _) = try runProgram("qpdf", ["--check", output])
        #expect(outputCheck == 0 || outputCheck == inputCheck, "\(name): qpdf --check \(inputCheck) before, \(outputCheck) after")
        let leftAlone = Set(fixes.filter { $0.message.contains("could not be converted") }.compactMap(\.page))
        let report = Preflight(product: ProductSpec()).run(fileAt: output, fileName: name)
        let rgbPages = Set(report.findings.filter { $0.check == "color.rgb" }.compactMap(\.page))
        #expect(rgbPages.isSubset(of: leftAlone), "\(name): RGB left on pages \(rgbPages.sorted()) without saying so")
        // What was not RGB is as it was: the same images (apart from colour), fonts and page count.
        #expect(report.file.pages == Preflight(product: ProductSpec()).run(fileAt: input, fileName: name).file.pages)
        let fonts = { (path: String) in try runProgram("pdffonts", [path]).output.split(separator: "\n").count }
        #expect(try fonts(output) == fonts(input))
    }
}
