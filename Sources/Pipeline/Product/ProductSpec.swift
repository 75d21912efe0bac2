/// The ordered product: what the artwork is checked against and made print-ready for.
///
/// The same keys appear in the hot folder config, the API's job and the sidecar ticket; later sources
/// override earlier ones key by key (see `overridden(by:)`).
public struct ProductSpec: Sendable, Hashable, Codable {
    public var trim: TrimSize?
    public var bleed: Length?
    public var safety: Length?
    public var pages: PageCountRule?
    public var shape: Shape?
    public var finishing: [String]?

    public init(trim: TrimSize? = nil, bleed: Length? = nil, safety: Length? = nil,
                pages: PageCountRule? = nil, shape: Shape? = nil, finishing: [String]? = nil) {
        self.trim = trim
        self.bleed = bleed
        self.safety = safety
        self.pages = pages
        self.shape = shape
        self.finishing = finishing
    }

    /// This spec with every key that `other` sets taken from `other`.
    public func overridden(by other: ProductSpec) -> ProductSpec {
        ProductSpec(trim: other.trim ?? trim, bleed: other.bleed ?? bleed, safety: other.safety ?? safety,
                    pages: other.pages ?? pages, shape: other.shape ?? shape, finishing: other.finishing ?? finishing)
    }

    public enum Shape: String, Sendable, Hashable, Codable, CaseIterable {
        case rectangle
        case roundedRectangle = "rounded-rectangle"
        case circle
        case ellipse
        case custom
    }
}
