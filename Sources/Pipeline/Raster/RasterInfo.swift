/// What the header of a JPEG, PNG or TIFF says: pixels, colour mode, alpha, resolution, orientation.
public struct RasterInfo: Sendable, Hashable {
    public enum ColourMode: String, Sendable, Hashable { case gray, rgb, cmyk, indexed, unknown }

    public var widthPx: Int
    public var heightPx: Int
    public var colourMode: ColourMode
    public var hasAlpha: Bool
    /// Pixels per inch stored in the file (JFIF, Exif, pHYs, TIFF tags); nil when it does not say.
    public var ppiX: Double?
    public var ppiY: Double?
    /// EXIF orientation 1...8; 1 means stored as displayed.
    public var orientation: Int

    public init(widthPx: Int, heightPx: Int, colourMode: ColourMode, hasAlpha: Bool = false, ppiX: Double? = nil,
                ppiY: Double? = nil, orientation: Int = 1) {
        self.widthPx = widthPx
        self.heightPx = heightPx
        self.colourMode = colourMode
        self.hasAlpha = hasAlpha
        self.ppiX = ppiX
        self.ppiY = ppiY
        self.orientation = orientation
    }

    /// Orientations 5 to 8 swap width and height when displayed.
    public var isTransposed: Bool { (5...8).contains(orientation) }
    public var displayedWidthPx: Int { isTransposed ? heightPx : widthPx }
    public var displayedHeightPx: Int { isTransposed ? widthPx : heightPx }
}
