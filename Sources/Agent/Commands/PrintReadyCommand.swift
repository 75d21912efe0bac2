import ArgumentParser
import Foundation
import Pipeline

/// `hotfolder-agent print-ready FILE --out OUT.pdf`: the print-ready stage for one file, from a shell.
/// Exit status: 0 done, 1 could not produce (with the reason), 2 usage.
struct PrintReadyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "print-ready",
        abstract: "Write a print-ready PDF: boxes set to the order, content untouched; exit 0 done, 1 failed, 2 usage."
    )

    @OptionGroup var options: ConfigOption
    @Argument(help: "The artwork to make print-ready: PDF, JPEG, PNG or TIFF.") var file: String
    @Option(help: "Where to write the print-ready PDF.") var out: String
    @OptionGroup var order: OrderOptions
    @Option(help: "none or crop.") var marks: PrintReadySettings.Marks = .none
    @Option(help: "For an image made to the trim: none, or mirror to fill the bleed from its edges.")
    var generateBleed: RasterToPDF.BleedGeneration = .none

    func run() throws {
        try OrderOptions.requireReadable(file)
        let product = try order.product()
        do {
            try PrintReadyPDF(product: product, settings: PrintReadySettings(marks: marks))
                .write(artworkAt: file, to: out, bleedGeneration: generateBleed)
        } catch {
            StandardError.print("\(file): \(error.description)")
            throw ExitCode(1)
        }
        print(out)
    }
}
