/// The ordered product: what the artwork is checked against and made print-ready for.
///
/// The same keys appear in the hot folder config, the API's job and the sidecar ticket; later sources
/// override earlier ones key by key (see `overridden(by:)`).
public struct ProductSpec: Sendable, Hashable, Codable {
    /// The catalogue id of the product ordered ("business-card-85x55"); nil when the order named sizes only.
    public var id: String?
    public var trim: TrimSize?
    public var bleed: Length?
    public var safety: Length?
    public var pages: PageCountRule?
    public var shape: Shape?
    /// The radius of a rounded-rectangle's corners; ignored by other shapes.
    public var cornerRadius: Length?
    /// The cut line in the print-ready PDF; nil: the shape's default (see `dielineName`).
    public var dieline: Dieline?
    public var finishing: [String]?
    /// The files the product is made of, in print order; nil for a product of one file.
    public var parts: [ProductPart]?
    /// One print-ready PDF for all parts or one per part; nil: combined.
    public var output: PartsOutput?

    public init(id: String? = nil, trim: TrimSize? = nil, bleed: Length? = nil, safety: Length? = nil,
                pages: PageCountRule? = nil, shape: Shape? = nil, cornerRadius: Length? = nil, dieline: Dieline? = nil,
                finishing: [String]? = nil, parts: [ProductPart]? = nil, output: PartsOutput? = nil) {
        self.id = id
        self.parts = parts
        self.output = output
        self.dieline = dieline
        self.cornerRadius = cornerRadius
        self.trim = trim
        self.bleed = bleed
        self.safety = safety
        self.pages = pages
        self.shape = shape
        self.finishing = finishing
    }

    /// This spec with every key that `other` sets taken from `other`.
    public func overridden(by other: ProductSpec) -> ProductSpec {
        ProductSpec(id: other.id ?? id, trim: other.trim ?? trim, bleed: other.bleed ?? bleed, safety: other.safety ?? safety,
                    pages: other.pages ?? pages, shape: other.shape ?? shape, cornerRadius: other.cornerRadius ?? cornerRadius,
                    dieline: other.dieline ?? dieline, finishing: other.finishing ?? finishing, parts: other.parts ?? parts,
                    output: other.output ?? output)
    }

    /// What makes the shape impossible to cut, in words; nil when it can be cut: a rounded rectangle's
    /// corners must fit the trim.
    public var shapeProblem: String? {
        guard shape == .roundedRectangle, let trim else { return nil }
        let radius = effectiveCornerRadius
        if radius.points * 2 > min(trim.width.points, trim.height.points) + 0.001 {
            return "the corner radius \(radius) is more than half the trim's shorter side (\(trim))"
        }
        return nil
    }

    /// The corner radius a rounded rectangle is cut with: the ordered one, else 3 mm, the usual radius of
    /// rounded business cards (configs from before `corner_radius` existed name the shape alone).
    public var effectiveCornerRadius: Length { cornerRadius ?? .millimetres(3) }

    public enum Shape: String, Sendable, Hashable, Codable, CaseIterable {
        case rectangle
        case roundedRectangle = "rounded-rectangle"
        case circle
        case ellipse
        case custom

        /// The shape as a term of the message catalogues ("shape.circle"), named in each language.
        public var term: MessageParameter { .terms(["shape." + rawValue]) }
    }
}
