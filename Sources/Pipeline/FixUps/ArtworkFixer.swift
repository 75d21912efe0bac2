import Foundation

/// Runs the chosen fix-ups on one PDF and writes the fixed copy; the original is only read.
///
/// Every fix-up looks first and changes only what it must: a file that needs nothing is not written at
/// all (the caller then uses the original), and a page that needs nothing keeps its dictionary. The
/// fixed file is written like the print-ready one: existing streams byte for byte, the input's PDF
/// version and cross-reference form kept.
public struct ArtworkFixer: Sendable {
    public var product: ProductSpec
    public var settings: FixUpSettings
    /// For pdfx.output_intent (and colour conversion): the folder's profile, else `OutputProfile.defaultPath`.
    public var outputProfilePath: String?

    public init(product: ProductSpec, settings: FixUpSettings, outputProfilePath: String? = nil) {
        self.product = product
        self.settings = settings
        self.outputProfilePath = outputProfilePath
    }

    /// The fixes made; `output` is written only when there is at least one.
    public func fix(pdfAt input: String, writingTo output: String) throws(FixUpError) -> [AppliedFix] {
        guard !settings.fixups.isEmpty else { return [] }
        let file: QPDFFile
        let structure: PDFStructure
        do {
            file = try QPDFFile(path: input)
            structure = try PDFStructureReader(readsContent: false).read(file, path: input)
        } catch {
            throw .unreadable(error.description)
        }
        var fixes: [AppliedFix] = []
        let geometry = GeometryFixUps(product: product, settings: settings)
        let rewriter = PageRewriter(file: file)
        for page in structure.pages {
            guard var layout = PageLayout(page) else { continue }
            let pageFixes = geometry.apply(to: &layout)
            guard layout.isChanged, rewriter.write(layout, to: file.page(at: page.number - 1)) else { continue }
            fixes += pageFixes
        }
        if settings.includes(.pdfxOutputIntent) {
            let profile = try OutputProfile(path: outputProfilePath ?? OutputProfile.defaultPath)
            if let fix = OutputIntentFixUp(profile: profile).apply(to: file, structure: structure) { fixes.append(fix) }
        }
        guard !fixes.isEmpty else { return [] }
        do {
            try file.write(to: output)
        } catch {
            throw .pdf(error.description)
        }
        return fixes
    }
}
