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
