/// What the agent measured about one artwork file: the facts every later stage starts from.
public struct ArtworkInspection: Sendable, Hashable, Codable {
    public var kind: ArtworkKind
    public var pageCount: Int
    /// Page sizes as Poppler reports them (CropBox with /Rotate applied), in points; empty for raster images
    /// until raster inspection lands.
    public var pageSizes: [PageSize]

    public init(kind: ArtworkKind, pageCount: Int, pageSizes: [PageSize]) {
        self.kind = kind
        self.pageCount = pageCount
        self.pageSizes = pageSizes
    }

    public struct PageSize: Sendable, Hashable, Codable {
        public var widthPt: Double
        public var heightPt: Double
        public init(widthPt: Double, heightPt: Double) {
            self.widthPt = widthPt
            self.heightPt = heightPt
        }
    }
}
