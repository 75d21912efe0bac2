import ArgumentParser
import Foundation
import Pipeline

/// The worker side of `WorkerProcess`: one stage for one file, in a process the agent can afford to lose.
/// Not for people; hidden from help.
struct WorkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "work", abstract: "Run one pipeline stage in a worker process (used by the agent).",
        shouldDisplay: false, subcommands: [Preflight.self, Proof.self, PrintReady.self]
    )

    struct Limits: ParsableArguments {
        @Option(help: "Address-space limit in bytes.") var memoryLimit: UInt64 = 2 << 30
        @OptionGroup var options: ConfigOption

        /// Caps this process's address space and ties its life to the agent's.
        func apply() {
            var limit = rlimit(rlim_cur: rlim_t(memoryLimit), rlim_max: rlim_t(memoryLimit))
            setrlimit(Int32(RLIMIT_AS.rawValue), &limit)
            ParentWatch.start()
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

        func run() throws {
            limits.apply()
            let spec = try JSONDecoder().decode(ProductSpec.self, from: Data(product.utf8))
            let overrides = try JSONDecoder().decode([String: String].self, from: Data(thresholds.utf8))
            let severityOverrides = try JSONDecoder().decode([String: String].self, from: Data(severities.utf8))
            guard let base = PreflightProfile.named(profile) else { throw PreflightSettingError.unknownProfile(profile) }
            let resolved = try base.overriding(thresholds: overrides, severities: severityOverrides)
            let report = Pipeline.Preflight(product: spec, profile: resolved)
                .run(fileAt: input, fileName: fileName, sha256: sha256.isEmpty ? nil : sha256)
            if let html {
                try writeAtomically(Data(ReportHTML.page(for: report, fileAt: input).render().utf8), to: html)
            }
            try writeAtomically(report.jsonData(), to: output)
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
        @Option(help: "For an image file: where to write the PDF made from it (proofed, then made print-ready).")
        var converted: String?
        @Option var generateBleed: RasterToPDF.BleedGeneration = .none

        func run() throws {
            limits.apply()
            let spec = try JSONDecoder().decode(ProductSpec.self, from: Data(product.utf8))
            var input = self.input
            if let kind = try ArtworkKind.sniff(fileAt: input), kind != .pdf, let converted {
                let info = try RasterHeaderReader().read(fileAt: input, kind: kind)
                try RasterToPDF(product: spec, bleedGeneration: generateBleed).write(imageAt: input, kind: kind, info: info, to: converted + ".partial")
                guard rename(converted + ".partial", converted) == 0 else { throw CocoaError(.fileWriteUnknown) }
                input = converted
            }
            let preflight = try report.map { try JSONDecoder().decode(PreflightReport.self, from: Data(contentsOf: URL(fileURLWithPath: $0))) }
            // Render into a fresh folder, then swap it in: a re-run after a crash never mixes old and new pages.
            let staging = output + ".partial"
            try? FileManager.default.removeItem(atPath: staging)
            try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
            try ProofSet(pixelsPerInch: ppi, product: spec, externalId: externalId)
                .write(pdfAt: input, fileName: fileName, report: preflight, into: URL(fileURLWithPath: staging))
            try? FileManager.default.removeItem(atPath: output)
            try FileManager.default.moveItem(atPath: staging, toPath: output)
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
            limits.apply()
            let spec = try JSONDecoder().decode(ProductSpec.self, from: Data(product.utf8))
            let partial = output + ".partial"
            try PrintReadyPDF(product: spec, settings: PrintReadySettings(marks: marks)).write(pdfAt: input, to: partial)
            guard rename(partial, output) == 0 else { throw CocoaError(.fileWriteUnknown) }
        }
    }
}

private func writeAtomically(_ data: Data, to path: String) throws {
    let partial = path + ".partial"
    try data.write(to: URL(fileURLWithPath: partial))
    guard rename(partial, path) == 0 else { throw CocoaError(.fileWriteUnknown) }
}

extension PrintReadySettings.Marks: ExpressibleByArgument {}
extension RasterToPDF.BleedGeneration: ExpressibleByArgument {}

/// Exits the worker when the agent that started it is gone (killed with -9, say), so an orphan never keeps
/// writing into a job the restarted agent is running again.
enum ParentWatch {
    static func start() {
        let parent = getppid()
        let thread = Thread {
            while true {
                if getppid() != parent { exit(70) }
                usleep(200_000)
            }
        }
        thread.start()
    }
}
