import ArgumentParser
import Foundation
import Pipeline

/// The worker side of `WorkerProcess`: one stage for one file, in a process the agent can afford to lose.
/// Not for people; hidden from help.
///
/// Every stage holds its job's workspace lock for its whole life, writes its results under names of its
/// own attempt and publishes each with fsync before the rename, and on failure hands back a `WorkerResult`
/// (the raw error goes to stderr, the stage's log).
struct WorkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "work", abstract: "Run one pipeline stage in a worker process (used by the agent).",
        shouldDisplay: false, subcommands: [Preflight.self, Proof.self, PrintReady.self, Combine.self]
    )

    struct Limits: ParsableArguments {
        @Option(help: "Address-space limit in bytes.") var memoryLimit: UInt64 = 2 << 30
        @Option(help: "The job's workspace: locked for the worker's life, where staged results are written.")
        var workspace: String?
        @Option(help: "The descriptor of the pipe that takes the structured result when the stage fails.") var resultFd: Int32?
        @Option(help: "Seconds to wait for an earlier worker of the same job to end.") var lockWait: Double = 30
        @OptionGroup var options: ConfigOption

        /// Caps this process's address space, takes the workspace lock and runs `body`; any error becomes
        /// the structured result and exit status 1.
        func perform(paths: [String], _ body: () throws -> Void) throws {
            var limit = rlimit(rlim_cur: rlim_t(memoryLimit), rlim_max: rlim_t(memoryLimit))
            setrlimit(Int32(RLIMIT_AS.rawValue), &limit)
            do {
                if let workspace {
                    _ = try WorkspaceLock.acquire(workspace, waitingUpTo: .milliseconds(Int64(lockWait * 1000)))
                    StagedOutput.removeLeftovers(in: workspace)
                }
                try body()
            } catch {
                let judged = WorkerResult.judging(error, workspace: workspace ?? ".", paths: paths + [workspace].compactMap { $0 })
                StandardError.print("Error: \(error)")
                if let resultFd { judged.send(to: resultFd) } else { StandardError.print(judged.message) }
                throw ExitCode(1)
            }
        }
    }

    struct Preflight: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "preflight")
        @OptionGroup var limits: Limits
        @Option var input: String
        @Option var fileName: String
        @Option var product: String = "{}"
        @Option var sha256: String = ""
        @Option var profile: String = "basic"
        @Option var thresholds: String = "{}"
        @Option var severities: String = "{}"
        @Option var output: String
        @Option(help: "Also write the operator's HTML report here.") var html: String?
        @Option(help: "The fix-ups to make first, comma-separated.") var fixups: String = ""
        @Option(help: "How far proportions may differ for size.fit (0.02: 2%).") var fitTolerance: Double = 0.02
        @Option(help: "The CMYK output profile for fix-ups that need one.") var outputProfile: String?
        @Option(help: "Where the fixed PDF goes when a fix-up applies (removed when none does).") var fixed: String?
        @Option(help: "The rendering intent of color.cmyk.") var intent: RenderingIntent = .relativeColorimetric

        func run() throws {
            try limits.perform(paths: [input, output] + [html, fixed, outputProfile].compactMap { $0 }) {
                let spec = try JSONDecoder().decode(ProductSpec.self, from: Data(product.utf8))
                let overrides = try JSONDecoder().decode([String: String].self, from: Data(thresholds.utf8))
                let severityOverrides = try JSONDecoder().decode([String: String].self, from: Data(severities.utf8))
                guard let base = PreflightProfile.named(profile) else { throw PreflightSettingError.unknownProfile(profile) }
                let resolved = try base.overriding(thresholds: overrides, severities: severityOverrides)
                let chosen = try FixUpID.parse(fixups.split(separator: ",").map(String.init))
                var settings = FixUpSettings(fixups: fixed == nil ? [] : chosen, thresholds: resolved.thresholds, fitTolerance: fitTolerance)
                settings.intent = intent
                let stage = FixedPreflight(preflight: Pipeline.Preflight(product: spec, profile: resolved),
                                           fixer: ArtworkFixer(product: spec, settings: settings, outputProfilePath: outputProfile))
                let staged = fixed.map(StagedOutput.init)
                let (report, usesFixedCopy) = try stage.run(fileAt: input, fileName: fileName, sha256: sha256.isEmpty ? nil : sha256,
                                                             fixedPath: staged?.staging ?? "/dev/null")
                if let staged, let fixed {
                    // Published before the report that names its fixes; a stale copy from an earlier attempt goes.
                    if usesFixedCopy { try staged.publishFile() } else { unlink(staged.staging); unlink(fixed) }
                }
                let judged = usesFixedCopy ? fixed ?? input : input
                if let html {
                    try FileOperations.writeDurably(Data(ReportHTML.page(for: report, fileAt: judged).render().utf8), to: html)
                }
                try FileOperations.writeDurably(try report.jsonData(), to: output)
            }
        }
    }

    struct Proof: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "proof")
        @OptionGroup var limits: Limits
        @Option var input: String
        @Option var fileName: String = "artwork.pdf"
        @Option var output: String
        @Option var ppi: Double = 150
        @Option var product: String = "{}"
        @Option var externalId: String?
        @Option(help: "The preflight report whose findings are outlined.") var report: String?
        @Option(help: "The customer's language (BCP 47) for the legend under each page; English when there is no catalogue for it.")
        var language: String?
        @Option(help: "For an image file: where to write the PDF made from it (proofed, then made print-ready).")
        var converted: String?
        @Option(help: "For an image made to the trim: none, or mirror (the fix-up bleed.mirror).")
        var generateBleed: RasterToPDF.BleedGeneration = .none
        @Option(help: "The fix-ups, comma-separated: an image's PDF gets color.cmyk here.") var fixups: String = ""
        @Option(help: "The CMYK output profile for color.cmyk.") var outputProfile: String?
        @Option(help: "The rendering intent of color.cmyk.") var intent: RenderingIntent = .relativeColorimetric

        func run() throws {
            try limits.perform(paths: [input, output] + [report, converted].compactMap { $0 }) {
                let spec = try JSONDecoder().decode(ProductSpec.self, from: Data(product.utf8))
                var input = self.input
                if let kind = try ArtworkKind.sniff(fileAt: input), kind != .pdf, let converted {
                    let info = try RasterHeaderReader().read(fileAt: input, kind: kind)
                    let staged = StagedOutput(converted)
                    try RasterToPDF(product: spec, bleedGeneration: generateBleed).write(imageAt: input, kind: kind, info: info, to: staged.staging)
                    // color.cmyk for an image: its laid-out PDF is converted (a name of this attempt, swept if killed).
                    var settings = FixUpSettings(fixups: try FixUpID.parse(fixups.split(separator: ",").map(String.init)))
                    settings.intent = intent
                    let fixer = ArtworkFixer(product: spec, settings: settings, outputProfilePath: outputProfile)
                    let cmyk = staged.staging + ".cmyk.partial"
                    defer { unlink(cmyk) }
                    if try RasterToPDF.convertingColour(of: staged.staging, with: fixer, to: cmyk) == cmyk, rename(cmyk, staged.staging) != 0 {
                        throw FileOperationError.failed("replace", path: staged.staging, errno: errno)
                    }
                    try staged.publishFile()
                    input = converted
                }
                let preflight = try report.map { try JSONDecoder().decode(PreflightReport.self, from: Data(contentsOf: URL(fileURLWithPath: $0))) }
                // Render into a fresh folder, then swap it in: a re-run after a crash never mixes old and new pages.
                let staged = StagedOutput(output)
                try FileOperations.createDirectory(staged.staging)
                do {
                    try ProofSet(pixelsPerInch: ppi, product: spec, externalId: externalId,
                                 catalogue: MessageCatalogue.matching([language].compactMap { $0 }) ?? .english)
                        .write(pdfAt: input, fileName: fileName, report: preflight, into: URL(fileURLWithPath: staged.staging))
                    try staged.publishDirectory()
                } catch {
                    try? FileManager.default.removeItem(atPath: staged.staging)
                    throw error
                }
            }
        }
    }

    struct PrintReady: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "print-ready")
        @OptionGroup var limits: Limits
        @Option var input: String
        @Option var output: String
        @Option var product: String = "{}"
        @Option var marks: PrintReadySettings.Marks = .none

        func run() throws {
            try limits.perform(paths: [input, output]) {
                let spec = try JSONDecoder().decode(ProductSpec.self, from: Data(product.utf8))
                let staged = StagedOutput(output)
                do {
                    try PrintReadyPDF(product: spec, settings: PrintReadySettings(marks: marks)).write(pdfAt: input, to: staged.staging)
                } catch {
                    unlink(staged.staging)
                    throw error
                }
                try staged.publishFile()
            }
        }
    }

    /// The parts of a multi-part job as one PDF, pages in the order of the inputs.
    struct Combine: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "combine")
        @OptionGroup var limits: Limits
        @Option(help: "A part's PDF; repeated, in order.") var input: [String]
        @Option var output: String

        func run() throws {
            try limits.perform(paths: input + [output]) {
                let staged = StagedOutput(output)
                do {
                    try PDFCombiner().combine(input, to: staged.staging)
                } catch {
                    unlink(staged.staging)
                    throw error
                }
                try staged.publishFile()
            }
        }
    }
}

extension PrintReadySettings.Marks: ExpressibleByArgument {}
extension RasterToPDF.BleedGeneration: ExpressibleByArgument {}
extension RenderingIntent: ExpressibleByArgument {}
