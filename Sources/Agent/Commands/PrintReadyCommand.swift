import ArgumentParser
import Foundation
import Pipeline

/// `hotfolder-agent print-ready FILE --out OUT.pdf`: the print-ready stage for one PDF, from a shell.
/// Exit status: 0 done, 1 could not produce (with the reason), 2 usage.
struct PrintReadyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "print-ready",
        abstract: "Write a print-ready PDF: boxes set to the order, content untouched; exit 0 done, 1 failed, 2 usage."
    )

    @OptionGroup var options: ConfigOption
    @Argument(help: "The PDF to make print-ready.") var file: String
    @Option(help: "Where to write the print-ready PDF.") var out: String
    @OptionGroup var order: OrderOptions
    @Option(help: "none or crop.") var marks: PrintReadySettings.Marks = .none

    func run() throws {
        try OrderOptions.requireReadable(file)
        let product = try order.product()
        guard (try? ArtworkKind.sniff(fileAt: file)) == .pdf else {
            StandardError.print("\(file): only PDF files can be made print-ready here so far")
            throw ExitCode(1)
        }
        do {
            try PrintReadyPDF(product: product, settings: PrintReadySettings(marks: marks)).write(pdfAt: file, to: out)
        } catch {
            StandardError.print("\(file): \(error.description)")
            throw ExitCode(1)
        }
        print(out)
    }
}
