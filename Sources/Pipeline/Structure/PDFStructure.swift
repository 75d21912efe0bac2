/// What qpdf reads from a PDF's object structure, as plain values: the facts structural checks judge.
public struct PDFStructure: Sendable, Hashable {
    public var version: String
    public var isEncrypted: Bool
    /// Whether the trailer has an /ID array.
    public var hasDocumentID: Bool
    /// Text entries of the Info dictionary (Title, Producer, Trapped, GTS_PDFXVersion, ...).
    public var info: [String: String]
    public var outputIntents: [OutputIntent]
    public var pages: [PageStructure]
    public var hasAcroForm: Bool
    public var hasJavaScript: Bool

    public struct OutputIntent: Sendable, Hashable, Codable {
        /// "GTS_PDFX", "GTS_PDFA1", ...
        public var subtype: String
        public var outputConditionIdentifier: String?
        public var hasProfile: Bool
    }
}

/// One page's dictionary facts. Boxes are as the page (or, leniently, a parent /Pages node) states them:
/// nil means the box is really absent, unlike `pdfinfo -box`, which falls back to the CropBox.
public struct PageStructure: Sendable, Hashable {
    public var number: Int
    public var mediaBox: PDFRect?
    public var cropBox: PDFRect?
    public var bleedBox: PDFRect?
    public var trimBox: PDFRect?
    public var artBox: PDFRect?
    /// /Rotate normalised to 0, 90, 180 or 270.
    public var rotation: Int
    public var annotations: [Annotation]
    /// What the page's content streams draw: images, colours, transparency.
    public var content: ContentFacts

    public struct Annotation: Sendable, Hashable {
        public var subtype: String
        public var rect: PDFRect?
    }

    /// What viewers and Poppler show: the CropBox clipped to the MediaBox, else the MediaBox.
    public var visibleBox: PDFRect? {
        guard let media = mediaBox else { return cropBox }
        return cropBox.flatMap { $0.intersection(media) } ?? media
    }

    /// The finished-page box of this page: TrimBox, else ArtBox, CropBox, MediaBox.
    public var effectiveTrimBox: PDFRect? { trimBox ?? artBox ?? cropBox ?? mediaBox }
    /// The bleed area as the page defines it: BleedBox, else MediaBox (clipped to the MediaBox either way).
    public var effectiveBleedBox: PDFRect? {
        guard let media = mediaBox else { return bleedBox }
        return bleedBox.flatMap { $0.intersection(media) } ?? media
    }
}
