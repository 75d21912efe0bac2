import ArgumentParser
import Foundation
import Pipeline

/// `hotfolder-agent proof FILE --out DIR`: proof pages with trim, bleed and safety lines, a thumbnail and
/// the proof sheet, for one PDF, JPEG, PNG or TIFF (an image is laid out at trim plus bleed first, as the
/// agent does), after the chosen fix-ups. Exit status: 0 done, 1 could not produce (with the reason), 2 usage.
struct ProofCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proof",
        abstract: "Write proof pages (DIR/page-N.png), DIR/thumbnail.png and DIR/proof.pdf; exit 0 done, 1 failed, 2 usage."
    )

    @OptionGroup var options: ConfigOption
    @Argument(help: "The PDF, JPEG, PNG or TIFF to proof.") var file: String
    @Option(help: "The folder to write into (created when missing).") var out: String
    @Option(help: "Resolution of the proof pages.") var dpi: Double = 150
    @Option(help: "The language of the legend under each page (BCP 47: de, fr-CH, ...); English when there is no catalogue for it.")
    var language: String?
    @OptionGroup var order: OrderOptions
    @OptionGroup var fixOptions: FixOptions

    func run() throws {
        try OrderOptions.requireReadable(file)
        let product = try order.product()
        guard dpi >= 10 && dpi <= 1200 else {
            StandardError.print("--dpi must be between 10 and 1200")
            throw ExitCode(2)
        }
        let settings = try fixOptions.settings()
        let name = FileOperations.fileName(of: file)
        let scratch = FixOptions.scratchPath(for: file)
        defer { unlink(scratch) }
        do {
            let (report, usesFixedCopy) = try FixedPreflight(
                preflight: Preflight(product: product),
                fixer: ArtworkFixer(product: product, settings: settings, outputProfilePath: fixOptions.outputProfile))
                .run(fileAt: file, fileName: name, sha256: nil, fixedPath: scratch)
            var artwork = usesFixedCopy ? scratch : file
            if let kind = try ArtworkKind.sniff(fileAt: file), kind != .pdf {
                let info = try RasterHeaderReader().read(fileAt: file, kind: kind)
                try RasterToPDF(product: product, bleedGeneration: settings.includes(.bleedMirror) ? .mirror : .none)
                    .write(imageAt: file, kind: kind, info: info, to: scratch)
                artwork = scratch
            }
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            let pages = try ProofSet(pixelsPerInch: dpi, product: product, catalogue: MessageCatalogue.matching([language].compactMap { $0 }) ?? .english)
                .write(pdfAt: artwork, fileName: name, report: report, into: URL(fileURLWithPath: out))
            for page in pages { print(out + "/" + page) }
            print(out + "/" + ProofSet.thumbnailName)
            print(out + "/" + ProofSet.sheetName)
        } catch {
            StandardError.print("\(file): \(error)")
            throw ExitCode(1)
        }
    }
}
