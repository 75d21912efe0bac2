/// Reads a `PDFStructure` with qpdf.
public struct PDFStructureReader: Sendable {
    /// Whether every page's content is walked for `PageStructure.content`; boxes alone (what the fix-ups
    /// need first) cost a fraction of that.
    public var readsContent: Bool
    /// The spot colours a die-line is drawn in (see `ProductSpec.dielineSearchNames`).
    public var dielineNames: [String]

    public init(readsContent: Bool = true, dielineNames: [String] = Dieline.usualNames) {
        self.readsContent = readsContent
        self.dielineNames = dielineNames
    }

    public func read(fileAt path: String) throws(ArtworkError) -> PDFStructure {
        try read(try QPDFFile(path: path), path: path)
    }

    func read(_ file: QPDFFile, path: String) throws(ArtworkError) -> PDFStructure {
        let count = file.pageCount
        guard count >= 0 else { throw .unreadable(path: path, reason: "its page tree is broken") }
        let root = file.root
        let trailer = file.trailer
        var info: [String: String] = [:]
        if let dictionary = trailer["Info"] {
            for key in dictionary.keys {
                if let value = dictionary[key] { info[key] = value.text ?? value.name }
            }
        }
        let intents = (root["OutputIntents"]?.items ?? []).map { intent in
            PDFStructure.OutputIntent(subtype: intent["S"]?.name ?? "",
                                      outputConditionIdentifier: intent["OutputConditionIdentifier"]?.text,
                                      hasProfile: intent["DestOutputProfile"]?.isStream ?? false)
        }
        let pages = (0..<count).map { index in readPage(file.page(at: index), number: index + 1) }
        let hasJavaScript = root["Names"]?["JavaScript"] != nil
            || (root["OpenAction"]?["S"]?.name == "JavaScript")
        var structure = PDFStructure(version: file.version, isEncrypted: file.isEncrypted,
                                     hasDocumentID: (trailer["ID"]?.items.count ?? 0) >= 1,
                                     info: info, outputIntents: intents, pages: pages,
                                     hasAcroForm: !(root["AcroForm"]?["Fields"]?.items.isEmpty ?? true),
                                     hasJavaScript: hasJavaScript)
        structure.hasMetadata = root["Metadata"]?.isStream ?? false
        // Taken last: the content walk above decodes every content stream, so its failures are in here too.
        structure.damage = file.takeWarnings().map(PDFStructure.Damage.init(qpdfWarning:))
        return structure
    }

    private func readPage(_ page: QPDFObject, number: Int) -> PageStructure {
        let rotate = Int(page.inherited("Rotate")?.number ?? 0)
        let annotations = (page["Annots"]?.items ?? []).map { annotation in
            PageStructure.Annotation(subtype: annotation["Subtype"]?.name ?? "", rect: PDFRect(annotation["Rect"]?.numbers))
        }
        return PageStructure(number: number,
                             mediaBox: box(page, "MediaBox"), cropBox: box(page, "CropBox"),
                             bleedBox: box(page, "BleedBox"), trimBox: box(page, "TrimBox"), artBox: box(page, "ArtBox"),
                             rotation: ((rotate % 360) + 360) % 360, annotations: annotations,
                             content: readsContent ? ContentWalker.facts(of: page, dielineNames: dielineNames) : ContentFacts())
    }

    private func box(_ page: QPDFObject, _ key: String) -> PDFRect? {
        // Some producers put TrimBox and BleedBox on the /Pages node too, and printers honour them.
        PDFRect(page.inherited(key)?.numbers)
    }
}
