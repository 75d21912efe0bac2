import ArgumentParser
import Foundation
import Pipeline

/// `hotfolder-agent preflight FILE`: the same preflight the agent runs, for one file, from a shell.
/// Exit status: 0 pass or warn, 1 fail, 2 cannot run (usage, missing file).
struct PreflightCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preflight",
        abstract: "Preflight one file against an order; exit 0 pass or warn, 1 fail, 2 cannot run."
    )

    @OptionGroup var options: ConfigOption
    @Argument(help: "The PDF, JPEG, PNG or TIFF file.") var file: String
    @Option(help: "basic, pdfx-1a or pdfx-4.") var profile = PreflightProfile.basic.name
    @OptionGroup var order: OrderOptions
    @Option(help: "Ordered page count: 2, a range 4-64, or a list 1,2,4.") var pages: String?
    @Option(help: "Images below this effective resolution are errors.") var minPpi: Double?
    @Flag(help: "Print the report as JSON on standard output.") var json = false
    @Option(help: "Also write the operator's HTML report (with page thumbnails) to this file.") var html: String?
    @OptionGroup var fixOptions: FixOptions

    func run() throws {
        try OrderOptions.requireReadable(file)
        let product = try order.product(pages: pages)
        var chosen: PreflightProfile
        do {
            guard let named = PreflightProfile.named(profile) else { throw PreflightSettingError.unknownProfile(profile) }
            chosen = named
            if let minPpi { chosen = try chosen.overriding(thresholds: ["min_image_ppi": String(minPpi)]) }
        } catch {
            StandardError.print("\(error)")
            throw ExitCode(2)
        }
        let settings = try fixOptions.settings(thresholds: chosen.thresholds)
        let sha256 = try? FileOperations.sha256(of: file).hex
        // The fixed copy is judged, never kept: `print-ready --fix` makes the file to print.
        let scratch = FixOptions.scratchPath(for: file)
        defer { unlink(scratch) }
        let stage = FixedPreflight(preflight: Preflight(product: product, profile: chosen),
                                   fixer: ArtworkFixer(product: product, settings: settings, outputProfilePath: fixOptions.outputProfile))
        let report: PreflightReport
        let judged: String
        do {
            let result = try stage.run(fileAt: file, fileName: FileOperations.fileName(of: file), sha256: sha256, fixedPath: scratch)
            (report, judged) = (result.report, result.usesFixedCopy ? scratch : file)
        } catch {
            StandardError.print("\(file): \(error.description)")
            throw ExitCode(1)
        }
        if let html {
            try Data(ReportHTML.page(for: report, fileAt: judged).render().utf8).write(to: URL(fileURLWithPath: html))
        }
        if json {
            print(String(decoding: try report.jsonData(), as: UTF8.self))
        } else {
            print(Self.summary(of: report))
        }
        if report.result == .fail { throw ExitCode(1) }
    }

    /// Readable lines for a terminal: the verdict, then findings worst first.
    static func summary(of report: PreflightReport) -> String {
        var lines = ["\(report.file.name): \(report.result.rawValue.uppercased())  (profile \(report.profile), "
                     + "\(report.errorCount) error(s), \(report.warningCount) warning(s), \(report.durationMs) ms)"]
        for finding in report.findings {
            let page = finding.page.map { "page \($0)" } ?? "file"
            lines.append("  \(finding.severity.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)) "
                         + "\(page.padding(toLength: 8, withPad: " ", startingAt: 0)) \(finding.check): \(finding.message)")
        }
        for fix in report.fixes ?? [] {
            let page = fix.page.map { "page \($0)" } ?? "file"
            lines.append("  fixed   \(page.padding(toLength: 8, withPad: " ", startingAt: 0)) \(fix.id): \(fix.message)")
        }
        return lines.joined(separator: "\n")
    }
}
