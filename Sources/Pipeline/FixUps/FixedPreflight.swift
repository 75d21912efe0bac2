import Foundation

/// Fix-ups, then preflight of what they made: the one sequence the agent's preflight stage and
/// `hotfolder-agent preflight --fix` run, so both judge the file that will be proofed and printed.
public struct FixedPreflight: Sendable {
    public var preflight: Preflight
    public var fixer: ArtworkFixer

    public init(preflight: Preflight, fixer: ArtworkFixer) {
        self.preflight = preflight
        self.fixer = fixer
    }

    /// What the stage found, and whether the fixed copy at `fixedPath` was written (then it, not the
    /// original, goes on to proof and print-ready). The report's file facts are the original's.
    ///
    /// A PDF that cannot be read is not fixed and gets its unreadable finding from preflight; only a
    /// failure to write the fixed copy (a machine's fault) is thrown.
    public func run(fileAt path: String, fileName: String, sha256: String?, fixedPath: String) throws(FixUpError)
        -> (report: PreflightReport, usesFixedCopy: Bool) {
        guard !fixer.settings.fixups.isEmpty, let kind = try? ArtworkKind.sniff(fileAt: path) else {
            return (preflight.run(fileAt: path, fileName: fileName, sha256: sha256), false)
        }
        guard kind == .pdf else {
            var report = preflight.run(fileAt: path, fileName: fileName, sha256: sha256)
            report.fixes = imageFixes(fileAt: path, kind: kind)
            return (report, false)
        }
        // Read once: a file the fix-ups leave alone is judged on this reading.
        guard let structure = try? PDFStructureReader(dielineNames: preflight.product.dielineSearchNames).read(fileAt: path) else {
            return (preflight.run(fileAt: path, fileName: fileName, sha256: sha256), false)
        }
        var fixes: [AppliedFix] = []
        do {
            fixes = try fixer.fix(pdfAt: path, writingTo: fixedPath, knowing: structure)
        } catch .unreadable {
            // Nothing to fix; preflight says what is wrong with the file.
        } catch {
            throw error
        }
        guard !fixes.isEmpty else {
            return (preflight.run(fileAt: path, fileName: fileName, sha256: sha256, structure: structure), false)
        }
        var report = preflight.run(fileAt: fixedPath, fileName: fileName, sha256: sha256)
        report.file.bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? report.file.bytes
        report.fixes = fixes
        return (report, true)
    }

    /// An image is laid out as a PDF when it is proofed; what that layout will fix is said here.
    private func imageFixes(fileAt path: String, kind: ArtworkKind) -> [AppliedFix] {
        guard let info = try? RasterHeaderReader().read(fileAt: path, kind: kind) else { return [] }
        var fixes: [AppliedFix] = []
        if fixer.settings.includes(.bleedMirror), RasterToPDF(product: fixer.product, bleedGeneration: .mirror).mirrorsBleed(of: info),
           let bleed = fixer.product.bleed?.points {
            fixes.append(AppliedFix(.bleedMirror, page: 1, Message("fix.bleed.mirror", ["bleedMm": .mm(bleed)]),
                                    before: "0 mm of bleed", after: "\(mm(bleed)) of bleed"))
        }
        if fixer.settings.includes(.colorCMYK), [.rgb, .indexed].contains(info.colourMode),
           let profile = try? OutputProfile(path: fixer.outputProfilePath ?? OutputProfile.defaultPath) {
            fixes.append(ArtworkFixer.colourFix(ColourFixUp.Counts(images: 1), page: 1, profile: profile, intent: fixer.settings.intent))
        }
        return fixes
    }
}
