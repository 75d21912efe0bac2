/// What the content streams of one page draw, as far as preflight judges it.
public struct ContentFacts: Sendable, Hashable {
    public var images: [PlacedImage] = []
    public var colourUses: [ColourUse] = []
    public var transparency: [TransparencyUse] = []
    public var externalReferences: [String] = []
    /// Whether the walk stopped early (too deep, too long); the facts are then a lower bound.
    public var isIncomplete = false
    /// Forms and tiling patterns that draw themselves or nest past `ContentWalker.maximumDepth`: a RIP
    /// either loops on them or gives up, so they are refused rather than printed by luck.
    public var nestingProblems: [NestingProblem] = []
    /// White (no ink) fills, strokes and text set to overprint: on press they vanish.
    public var overprintedWhite: [PDFRect?] = []
    /// CMYK objects set to overprint with overprint mode 0, where zero components knock out what lies below.
    public var overprintModeZero: [PDFRect?] = []
    /// Strokes thinner than 2 pt after the transformation matrix (at most `recordLimit`).
    public var thinStrokes: [Stroke] = []
    /// Text shown smaller than 12 pt (at most `recordLimit`), with whether it is four-colour black.
    public var smallText: [TextRun] = []
    /// The most ink one painted colour or image pixel lays down, in percent (C + M + Y + K), and where.
    public var maximumInk: InkCoverage?
    /// Filters of the page's images, for the compression check ("JPXDecode", "JBIG2Decode").
    public var imageFilters: [ImageFilter] = []
    /// The cut line the file draws in a die-line spot colour (CutContour, Dieline, ...): no ink, so it is
    /// in none of the colour, ink and line facts above; nil when the page has none.
    public var dieline: DielinePaint?

    /// Path elements kept per page for a die-line; a cut path is a few hundred, a traced one thousands.
    public static let dielineElementLimit = 20_000

    public static let recordLimit = 200

    public struct Stroke: Sendable, Hashable {
        /// Line width in points as printed (0 is the thinnest line the device can draw).
        public var width: Double
        public var bbox: PDFRect?
    }

    public struct TextRun: Sendable, Hashable {
        public var size: Double
        public var isRichBlack: Bool
        public var bbox: PDFRect?
    }

    public struct InkCoverage: Sendable, Hashable {
        public var percent: Double
        public var source: String
        public var bbox: PDFRect?
    }

    /// The paths painted in a die-line separation, in page space, as drawn (moves, lines, curves).
    public struct DielinePaint: Sendable, Hashable {
        /// The separation's name as the file spells it.
        public var name: String
        public var path: [CutShape.PathElement]
        public var bbox: PDFRect?
    }

    public struct ImageFilter: Sendable, Hashable {
        public var image: String
        public var filter: String
        public var bbox: PDFRect?
    }

    public enum NestingProblem: Sendable, Hashable {
        /// The named form or pattern is drawn again from inside itself.
        case loop(name: String)
        /// Forms nested deeper than `limit` levels.
        case tooDeep(limit: Int)
    }

    /// An image as placed on the page: pixels, the placed size from the combined transformation matrices.
    public struct PlacedImage: Sendable, Hashable {
        public var name: String
        public var widthPx: Int
        public var heightPx: Int
        public var ppiX: Double
        public var ppiY: Double
        public var colorSpace: String
        public var bitsPerComponent: Int
        public var isMask: Bool
        public var bbox: PDFRect
    }

    /// One use of a colour space: what it is, and where (operator, image, shading).
    public struct ColourUse: Sendable, Hashable {
        public enum Kind: Sendable, Hashable { case rgb, iccRGB, gray, cmyk, lab, spot(String), deviceN([String]), registration }
        public var kind: Kind
        public var source: String
        public var bbox: PDFRect?
    }

    public struct TransparencyUse: Sendable, Hashable {
        public var reason: String
        public var bbox: PDFRect?
    }
}
