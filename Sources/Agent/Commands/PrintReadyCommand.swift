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
    @Option(help: "For an image made to the trim: none, or mirror to fill the bleed from its edges (as --fix bleed.mirror).")
    var generateBleed: RasterToPDF.BleedGeneration = .none
    @OptionGroup var fixOptions: FixOptions

    func run() throws {
        try OrderOptions.requireReadable(file)
        let product = try order.product()
        var settings = try fixOptions.settings()
        if generateBleed == .mirror && !settings.includes(.bleedMirror) && !settings.includes(.bleedScale) {
            settings.fixups.append(.bleedMirror)
        }
        let scratch = FixOptions.scratchPath(for: file)
        defer { unlink(scratch) }
        do {
            var artwork = file
            if try ArtworkKind.sniff(fileAt: file) == .pdf {
                let fixes = try ArtworkFixer(product: product, settings: settings, outputProfilePath: fixOptions.outputProfile)
                    .fix(pdfAt: file, writingTo: scratch)
                for fix in fixes { StandardError.print("fixed \(fix.page.map { "page \($0)" } ?? "file"): \(fix.id): \(fix.message)") }
                if !fixes.isEmpty { artwork = scratch }
            }
            try PrintReadyPDF(product: product, settings: PrintReadySettings(marks: marks))
                .write(artworkAt: artwork, to: out, bleedGeneration: settings.includes(.bleedMirror) ? .mirror : .none,
                       colour: ArtworkFixer(product: product, settings: settings, outputProfilePath: fixOptions.outputProfile))
        } catch let error as PrintReadyError {
            StandardError.print("\(file): \(error.description)")
            throw ExitCode(1)
        } catch {
            StandardError.print("\(file): \(error)")
            throw ExitCode(1)
        }
        print(out)
    }
}
