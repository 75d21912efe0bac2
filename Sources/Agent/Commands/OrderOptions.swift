import ArgumentParser
import Foundation
import Pipeline

/// The ordered product as the single-file commands (preflight, proof, print-ready) take it.
struct OrderOptions: ParsableArguments {
    @Option(help: "Ordered trim size, such as 85x55mm or 3.5x2in.") var trim: String?
    @Option(help: "Ordered bleed, such as 3mm.") var bleed: String?
    @Option(help: "Ordered safety margin, such as 3mm.") var safety: String?
    @Option(help: "The cut shape: rectangle, rounded-rectangle, circle, ellipse, custom.") var shape: ProductSpec.Shape?
    @Option(help: "The corner radius of a rounded-rectangle, such as 3mm.") var cornerRadius: String?
    @Option(help: "The die-line's spot colour in the print-ready PDF (CutContour unless given), or none.") var dieline: String?

    /// The product, or exit 2 with the reason: a bad length or a shape that cannot be cut is a usage error.
    func product(pages: String? = nil) throws -> ProductSpec {
        let spec: ProductSpec
        do {
            spec = ProductSpec(trim: try trim.map { try TrimSize(parsing: $0) }, bleed: try bleed.map { try Length(parsing: $0) },
                               safety: try safety.map { try Length(parsing: $0) }, pages: try pages.map { try PageCountRule(parsing: $0) },
                               shape: shape, cornerRadius: try cornerRadius.map { try Length(parsing: $0) },
                               dieline: try dieline.map(Self.dieline))
        } catch {
            StandardError.print("\(error)")
            throw ExitCode(2)
        }
        if let problem = spec.shapeProblem {
            StandardError.print(problem)
            throw ExitCode(2)
        }
        return spec
    }

    private static func dieline(_ text: String) throws -> Dieline {
        if text == "none" { return .none }
        if let problem = Dieline.problem(withName: text) { throw ValidationError(problem) }
        return .spot(name: text)
    }

    /// Exit 2 unless `file` can be read.
    static func requireReadable(_ file: String) throws {
        guard FileManager.default.isReadableFile(atPath: file) else {
            StandardError.print("\(file): no such file, or it cannot be read")
            throw ExitCode(2)
        }
    }
}

/// `--fix ID` (repeatable) and the output profile, as `preflight` and `print-ready` take them.
struct FixOptions: ParsableArguments {
    @Option(name: .customLong("fix"),
            help: "A fix-up to make first (repeatable): trim.infer, size.fit, bleed.mirror, bleed.scale, color.cmyk, pdfx.output_intent.")
    var fixes: [String] = []
    @Option(help: "How far proportions may differ for size.fit, as a share.") var fitTolerance: Double = 0.02
    @Option(help: "The CMYK output profile (.icc) for fix-ups that need one.") var outputProfile: String?
    @Option(help: "The rendering intent of color.cmyk: perceptual, relative_colorimetric, saturation, absolute_colorimetric.")
    var intent: RenderingIntent = .relativeColorimetric

    /// The chosen fix-ups, or exit 2 with the reason.
    func settings(thresholds: PreflightThresholds = PreflightThresholds()) throws -> FixUpSettings {
        do {
            if let outputProfile { _ = try OutputProfile(path: outputProfile) }
            var settings = FixUpSettings(fixups: try FixUpID.parse(fixes), thresholds: thresholds, fitTolerance: fitTolerance)
            settings.intent = intent
            return settings
        } catch {
            StandardError.print("\(error)")
            throw ExitCode(2)
        }
    }

    /// A scratch file for the fixed copy, removed by the caller.
    static func scratchPath(for file: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("hfa-fixed-\(getpid())-\(FileOperations.fileName(of: file)).pdf").path
    }
}

extension ProductSpec.Shape: ExpressibleByArgument {}
