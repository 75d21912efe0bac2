/// One preflight check with a stable id. Checks are small value types that look at the facts gathered
/// once per file (`PreflightContext`) and return findings; they never open the file themselves.
public protocol PreflightCheck: Sendable {
    /// The stable id findings carry ("bleed.insufficient"): a contract for integrators.
    var id: String { get }
    /// The severity when the profile does not set one.
    var defaultSeverity: Finding.Severity { get }
    func findings(in context: PreflightContext) -> [Finding]
}

extension PreflightCheck {
    public var defaultSeverity: Finding.Severity { .error }

    /// A finding of this check at the profile's severity.
    func finding(_ context: PreflightContext, page: Int? = nil, _ message: Message, measured: String? = nil,
                 expected: String? = nil, bbox: PDFRect? = nil) -> Finding {
        Finding(check: id, severity: context.profile.severity(for: id, default: defaultSeverity), page: page,
                message: message, measured: measured, expected: expected, bbox: bbox)
    }
}

/// Everything checks judge: gathered once per file by `Preflight`.
public struct PreflightContext: Sendable {
    public var fileName: String
    public var structure: PDFStructure
    public var fonts: [FontUsage]
    public var product: ProductSpec
    public var profile: PreflightProfile
    /// Boxes of the visible characters per page number, in PDF user space.
    public var glyphs: [Int: [PDFRect]]
    /// The header facts of a JPEG, PNG or TIFF; nil for PDFs.
    public var raster: RasterInfo?
    /// Where rendered artwork stops at the trim, per page number; computed only when bleed is ordered.
    public var bleedCoverage: [Int: BleedCoverage] = [:]

    public init(fileName: String, structure: PDFStructure, fonts: [FontUsage], product: ProductSpec, profile: PreflightProfile,
                glyphs: [Int: [PDFRect]] = [:], raster: RasterInfo? = nil) {
        self.fileName = fileName
        self.structure = structure
        self.fonts = fonts
        self.product = product
        self.profile = profile
        self.glyphs = glyphs
        self.raster = raster
    }

    /// Pages of the artwork: an image file is one page.
    public var pageCount: Int { raster == nil ? structure.pages.count : 1 }

    /// The size an image file is printed at: the ordered trim plus bleed on every side, in points.
    public var rasterPlacement: (width: Double, height: Double)? {
        guard let trim = product.trim else { return nil }
        let bleed = (product.bleed?.points ?? 0) * 2
        return (trim.width.points + bleed, trim.height.points + bleed)
    }

    /// The PDF/X version the file claims in its Info dictionary.
    public var claimedPDFX: String? { structure.info["GTS_PDFXVersion"] }
}

/// Millimetres for messages: "85 mm", "3.18 mm".
func mm(_ points: Double) -> String { "\(LengthUnit.millimetre.format(points)) mm" }
func mmSize(_ width: Double, _ height: Double) -> String {
    "\(LengthUnit.millimetre.format(width)) x \(LengthUnit.millimetre.format(height)) mm"
}
