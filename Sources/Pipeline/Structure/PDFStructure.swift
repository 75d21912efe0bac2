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
    /// Damage qpdf worked around while the file was read (empty for a sound file).
    public var damage: [Damage] = []
    /// Whether the catalog has an XMP metadata stream (PDF/X-4 requires one).
    public var hasMetadata = false

    /// One problem qpdf met reading the file, as it words it.
    public struct Damage: Sendable, Hashable {
        public enum Kind: Sendable, Hashable {
            /// The structure (cross-reference table, stream lengths) was rebuilt; the content is all there.
            case repaired
            /// Content could not be decoded or objects are garbled: what prints is not what was made.
            case lost
        }
        public var kind: Kind
        public var detail: String

        /// Sorts a qpdf warning: undecodable stream data and garbled objects lose content, anything else
        /// (a rebuilt xref, a wrong /Length) is a repair viewers and RIPs make the same way.
        public init(qpdfWarning detail: String) {
            let losing = ["error decoding stream data", "errors while decoding", "unknown token", "QPDFFake",
                          "expected dictionary key"]
            self.kind = losing.contains { detail.contains($0) } ? .lost : .repaired
            self.detail = detail
        }
    }

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
    public var effectiveTrimBox: PDFRect? { Self.finishedBox(trim: trimBox, art: artBox, crop: cropBox, media: mediaBox) }

    /// The one rule for a page's finished size, for preflight's checks, the fix-ups' layouts and (through
    /// `PrintReadyPDF.boxes(for:)`, where the ordered trim is placed) proof and print-ready alike: TrimBox,
    /// else ArtBox, else the CropBox, else the MediaBox.
    static func finishedBox(trim: PDFRect?, art: PDFRect?, crop: PDFRect?, media: PDFRect?) -> PDFRect? {
        trim ?? art ?? crop ?? media
    }
    /// The bleed area as the page defines it: BleedBox, else MediaBox (clipped to the MediaBox either way).
    public var effectiveBleedBox: PDFRect? {
        guard let media = mediaBox else { return bleedBox }
        return bleedBox.flatMap { $0.intersection(media) } ?? media
    }
}
