import ArgumentParser
import Foundation
import Pipeline

/// `hotfolder-agent proof FILE --out DIR`: proof pages with trim, bleed and safety lines, a thumbnail and
/// the proof sheet, for one PDF. Exit status: 0 done, 1 could not produce (with the reason), 2 usage.
struct ProofCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proof",
        abstract: "Write proof pages (DIR/page-N.png), DIR/thumbnail.png and DIR/proof.pdf; exit 0 done, 1 failed, 2 usage."
    )

    @OptionGroup var options: ConfigOption
    @Argument(help: "The PDF to proof.") var file: String
    @Option(help: "The folder to write into (created when missing).") var out: String
    @Option(help: "Resolution of the proof pages.") var dpi: Double = 150
    @OptionGroup var order: OrderOptions

    func run() throws {
        try OrderOptions.requireReadable(file)
        let product = try order.product()
        guard dpi >= 10 && dpi <= 1200 else {
            StandardError.print("--dpi must be between 10 and 1200")
            throw ExitCode(2)
        }
        let name = FileOperations.fileName(of: file)
        let report = Preflight(product: product).run(fileAt: file, fileName: name)
        do {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            let pages = try ProofSet(pixelsPerInch: dpi, product: product)
                .write(pdfAt: file, fileName: name, report: report, into: URL(fileURLWithPath: out))
            for page in pages { print(out + "/" + page) }
            print(out + "/" + ProofSet.thumbnailName)
            print(out + "/" + ProofSet.sheetName)
        } catch {
            StandardError.print("\(file): \(error)")
            throw ExitCode(1)
        }
    }
}
