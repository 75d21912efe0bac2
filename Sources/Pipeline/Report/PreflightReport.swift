import Foundation

/// The preflight report, schema version 1 (docs/preflight-report.schema.json). The same document is
/// written beside every job, served by the bridge and carried in webhooks: extend, never rename.
public struct PreflightReport: Sendable, Hashable, Codable {
    public enum Result: String, Sendable, Hashable, Codable { case pass, warn, fail }

    public static let currentSchemaVersion = 1

    public var schemaVersion: Int
    public var result: Result
    public var profile: String
    public var file: FileFacts
    public var product: ProductFacts
    public var pages: [PageFacts]
    public var fonts: [FontFacts]
    public var spotColors: [String]
    public var findings: [Finding]
    public var engine: Engine
    public var durationMs: Int
    /// What the fix-ups changed before the findings were made; nil in reports written before fix-ups.
    public var fixes: [AppliedFix]?
    /// For a multi-part job: each part's own report, in the product's order (see `combining(_:product:)`).
    public var parts: [PartReport]?

    public init(profile: String, file: FileFacts, product: ProductFacts, pages: [PageFacts], fonts: [FontFacts],
                spotColors: [String], findings: [Finding], engine: Engine = .current, durationMs: Int,
                fixes: [AppliedFix] = []) {
        self.fixes = fixes
        self.schemaVersion = Self.currentSchemaVersion
        self.profile = profile
        self.file = file
        self.product = product
        self.pages = pages
        self.fonts = fonts
        self.spotColors = spotColors
        self.findings = findings.sorted { ($1.severity, $0.page ?? 0) < ($0.severity, $1.page ?? 0) }
        self.engine = engine
        self.durationMs = durationMs
        let worst = findings.map(\.severity).max()
        self.result = worst == .error ? .fail : worst == .warning ? .warn : .pass
    }

    public func findings(severity: Finding.Severity) -> [Finding] { findings.filter { $0.severity == severity } }
    public var errorCount: Int { findings(severity: .error).count }
    public var warningCount: Int { findings(severity: .warning).count }

    /// Pretty, key-sorted JSON so reports diff well and read well in a text editor.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    public struct FileFacts: Sendable, Hashable, Codable {
        public var name: String
        public var sha256: String?
        public var bytes: Int64
        /// pdf, jpeg, png, tiff; nil when the type is not supported.
        public var type: String?
        public var pdfVersion: String?
        public var pages: Int?
        public var encrypted: Bool
        /// The PDF/X version the file claims (GTS_PDFXVersion), nil when none.
        public var pdfx: String?

        public init(name: String, sha256: String?, bytes: Int64, type: String?, pdfVersion: String?, pages: Int?,
                    encrypted: Bool, pdfx: String?) {
            self.name = name
            self.sha256 = sha256
            self.bytes = bytes
            self.type = type
            self.pdfVersion = pdfVersion
            self.pages = pages
            self.encrypted = encrypted
            self.pdfx = pdfx
        }
    }

    /// The ordered product in millimetres; nil where the order does not say.
    public struct ProductFacts: Sendable, Hashable, Codable {
        /// The catalogue product ordered, when the order named one.
        public var id: String?
        public var trimWidthMm: Double?
        public var trimHeightMm: Double?
        public var bleedMm: Double?
        public var safetyMm: Double?
        public var pages: String?
        /// What the shop does to the sheet after printing (lamination, foil, rounded corners), as ordered;
        /// nil when nothing is. Shown beside the sizes so the customer sees the whole order.
        public var finishing: [String]?
        /// The cut shape when it is not a rectangle, and a rounded rectangle's corner radius.
        public var shape: String?
        public var cornerRadiusMm: Double?

        public init(_ spec: ProductSpec) {
            func mm(_ length: Length?) -> Double? { length.map { ($0.millimetres * 100).rounded() / 100 } }
            trimWidthMm = mm(spec.trim?.width)
            trimHeightMm = mm(spec.trim?.height)
            bleedMm = mm(spec.bleed)
            safetyMm = mm(spec.safety)
            pages = spec.pages?.description
            finishing = spec.finishing.flatMap { $0.isEmpty ? nil : $0 }
            id = spec.id
            shape = spec.shape.flatMap { $0 == .rectangle ? nil : $0.rawValue }
            cornerRadiusMm = spec.shape == .roundedRectangle ? mm(spec.effectiveCornerRadius) : nil
        }
    }

    public struct PageFacts: Sendable, Hashable, Codable {
        public var number: Int
        public var widthPt: Double
        public var heightPt: Double
        public var rotation: Int
        public var mediaBox: PDFRect?
        public var cropBox: PDFRect?
        public var trimBox: PDFRect?
        public var bleedBox: PDFRect?
        public var artBox: PDFRect?
        public var images: [ImageFacts]

        public init(_ page: PageStructure) {
            number = page.number
            let size = page.effectiveTrimBox ?? PDFRect(x0: 0, y0: 0, x1: 0, y1: 0)
            widthPt = (size.width * 1000).rounded() / 1000
            heightPt = (size.height * 1000).rounded() / 1000
            rotation = page.rotation
            mediaBox = page.mediaBox
            cropBox = page.cropBox
            trimBox = page.trimBox
            bleedBox = page.bleedBox
            artBox = page.artBox
            images = page.content.images.map(ImageFacts.init)
        }

        /// The one page of an image file: printed at the ordered trim plus bleed, or at its declared resolution.
        init(raster: RasterInfo, context: PreflightContext) {
            number = 1
            let ppi = context.rasterEffectivePPI ?? 72
            let size = context.rasterPlacement ?? (Double(raster.displayedWidthPx) * 72 / ppi, Double(raster.displayedHeightPx) * 72 / ppi)
            widthPt = (size.width * 1000).rounded() / 1000
            heightPt = (size.height * 1000).rounded() / 1000
            rotation = 0
            images = [ImageFacts(widthPx: raster.displayedWidthPx, heightPx: raster.displayedHeightPx,
                                 ppiX: (ppi * 10).rounded() / 10, ppiY: (ppi * 10).rounded() / 10,
                                 colorSpace: raster.colourMode.rawValue, bbox: PDFRect(x0: 0, y0: 0, x1: size.width, y1: size.height))]
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(number, forKey: .number)
            try container.encode(widthPt, forKey: .widthPt)
            try container.encode(heightPt, forKey: .heightPt)
            try container.encode(rotation, forKey: .rotation)
            try container.encode(mediaBox, forKey: .mediaBox)
            try container.encode(cropBox, forKey: .cropBox)
            try container.encode(trimBox, forKey: .trimBox)
            try container.encode(bleedBox, forKey: .bleedBox)
            try container.encode(artBox, forKey: .artBox)
            try container.encode(images, forKey: .images)
        }
    }

    public struct ImageFacts: Sendable, Hashable, Codable {
        public var widthPx: Int
        public var heightPx: Int
        public var ppiX: Double
        public var ppiY: Double
        public var colorSpace: String
        public var bbox: PDFRect?

        init(widthPx: Int, heightPx: Int, ppiX: Double, ppiY: Double, colorSpace: String, bbox: PDFRect?) {
            self.widthPx = widthPx
            self.heightPx = heightPx
            self.ppiX = ppiX
            self.ppiY = ppiY
            self.colorSpace = colorSpace
            self.bbox = bbox
        }

        init(_ image: ContentFacts.PlacedImage) {
            widthPx = image.widthPx
            heightPx = image.heightPx
            ppiX = (image.ppiX * 10).rounded() / 10
            ppiY = (image.ppiY * 10).rounded() / 10
            colorSpace = image.colorSpace
            bbox = image.bbox
        }
    }

    public struct FontFacts: Sendable, Hashable, Codable {
        public var name: String
        public var type: String
        public var embedded: Bool
        public var subset: Bool

        public init(name: String, type: String, embedded: Bool, subset: Bool) {
            self.name = name
            self.type = type
            self.embedded = embedded
            self.subset = subset
        }
    }

    public struct Engine: Sendable, Hashable, Codable {
        public var version: String
        public var poppler: String
        public var qpdf: String

        public static let current = Engine(version: EngineVersion.agent, poppler: EngineVersion.poppler, qpdf: EngineVersion.qpdf)
    }
}
