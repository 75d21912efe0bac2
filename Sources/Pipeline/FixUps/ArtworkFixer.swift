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
    ///
    /// `known` is the file's structure with its content facts when the caller has read it (preflight does):
    /// a file that needs nothing is then decided on without opening it again, and colour conversion only
    /// reads the pages where RGB or Lab is painted.
    public func fix(pdfAt input: String, writingTo output: String, knowing known: PDFStructure? = nil) throws(FixUpError) -> [AppliedFix] {
        guard !settings.fixups.isEmpty else { return [] }
        let geometry = GeometryFixUps(product: product, settings: settings)
        if let known, !needsWork(known, geometry: geometry) { return [] }
        let file: QPDFFile
        let structure: PDFStructure
        do {
            file = try QPDFFile(path: input)
            structure = try PDFStructureReader(readsContent: false).read(file, path: input)
        } catch {
            throw .unreadable(error.description)
        }
        var fixes: [AppliedFix] = []
        let rewriter = PageRewriter(file: file)
        for page in structure.pages {
            guard var layout = PageLayout(page) else { continue }
            let pageFixes = geometry.apply(to: &layout)
            guard layout.isChanged, rewriter.write(layout, to: file.page(at: page.number - 1)) else { continue }
            fixes += pageFixes
        }
        if settings.includes(.colorCMYK) {
            let profile = try outputProfile(of: file)
            let colour = ColourFixUp(file: file, converter: try ColourConverter(output: profile, intent: settings.intent))
            for page in structure.pages where known.map({ Self.paintsConvertibleColour($0.pages[safe: page.number - 1]) }) ?? true {
                let counts = colour.convert(page: file.page(at: page.number - 1))
                if !counts.isEmpty { fixes.append(Self.colourFix(counts, page: page.number, profile: profile, intent: settings.intent)) }
            }
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

    /// Whether any chosen fix-up would act, judged from what preflight read (boxes, content facts, intents).
    private func needsWork(_ structure: PDFStructure, geometry: GeometryFixUps) -> Bool {
        for page in structure.pages {
            guard var layout = PageLayout(page) else { continue }
            if !geometry.apply(to: &layout).isEmpty || layout.isChanged { return true }
        }
        if settings.includes(.colorCMYK), structure.pages.contains(where: { Self.paintsConvertibleColour($0) }) { return true }
        if settings.includes(.pdfxOutputIntent), !structure.outputIntents.contains(where: { $0.subtype == "GTS_PDFX" }) { return true }
        return false
    }

    /// RGB or Lab painted on the page (as the content walk saw it); pages without are not read again.
    static func paintsConvertibleColour(_ page: PageStructure?) -> Bool {
        guard let page else { return true }
        return page.content.colourUses.contains { [.rgb, .iccRGB, .lab].contains($0.kind) } || page.content.isIncomplete
    }

    /// The printing condition colour is converted for: the file's own GTS_PDFX output intent when it
    /// carries a CMYK output profile, else the folder's profile, else Ghostscript's default CMYK.
    private func outputProfile(of file: QPDFFile) throws(FixUpError) -> OutputProfile {
        for intent in file.root["OutputIntents"]?.items ?? [] where intent["S"]?.name == "GTS_PDFX" {
            if let data = intent["DestOutputProfile"]?.streamData(), let own = try? OutputProfile(data: data, fileName: "the file's output intent") {
                return own
            }
        }
        return try OutputProfile(path: outputProfilePath ?? OutputProfile.defaultPath)
    }

    /// "RGB converted to CMYK for print (Coated FOGRA39, relative colorimetric): 12 colours, 1 image".
    static func colourFix(_ counts: ColourFixUp.Counts, page: Int, profile: OutputProfile, intent: RenderingIntent) -> AppliedFix {
        // "2 colours, 1 image": each count a sentence of its own, singular or plural.
        let converted = [("colour", counts.colours), ("image", counts.images), ("gradient", counts.shadings)].filter { $0.1 > 0 }.map { noun, count in
            Message("fix.count." + noun + (count == 1 ? "" : "s"), ["count": .count(count)])
        }
        let variant = (counts.blackText > 0 ? "black" : "") + (counts.leftAlone > 0 ? (counts.blackText > 0 ? "_partial" : "partial") : "")
        var params: [String: MessageParameter] = ["profile": .text(profile.name), "intent": .text(intent.rawValue.replacingOccurrences(of: "_", with: " ")),
                                                  "converted": .list(converted)]
        if counts.leftAlone > 0 { params["leftAlone"] = .count(counts.leftAlone) }
        return AppliedFix(.colorCMYK, page: page, Message("fix.color.cmyk" + (variant.isEmpty ? "" : "." + variant), params),
                          before: "RGB", after: counts.leftAlone > 0 ? "CMYK, partly RGB" : "CMYK")
    }
}
