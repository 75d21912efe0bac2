import CPoppler
import Foundation

/// Renders proof pages: each page's bleed area (BleedBox, else MediaBox) with Poppler into Cairo, with the
/// bleed zone shaded, the trim line solid, the safety line dashed, every finding with a box outlined and
/// numbered, and a legend. Runs in a worker process, whose address-space limit stops a page too big to draw.
public struct ProofRenderer: Sendable {
    public var pixelsPerInch: Double
    public var product: ProductSpec
    /// Findings to outline; those with a page and a bbox are drawn, numbered as in the list they come in.
    public var findings: [Finding]
    /// The language of the legend band.
    public var catalogue: MessageCatalogue

    public init(pixelsPerInch: Double = 150, product: ProductSpec = ProductSpec(), findings: [Finding] = [],
                catalogue: MessageCatalogue = .english) {
        self.pixelsPerInch = pixelsPerInch
        self.product = product
        self.findings = findings
        self.catalogue = catalogue
    }

    /// Height of the legend band under each page, in pixels.
    static let legendHeight = 28.0

    /// Writes `page-N.png` for every page into `directory`; returns the file names in page order.
    public func renderPages(ofPDFAt path: String, into directory: URL) throws -> [String] {
        let structure = try PDFStructureReader(dielineNames: product.dielineSearchNames).read(fileAt: path)
        // Poppler draws only the CropBox; when it hides part of the bleed, render a copy without it.
        var source = path
        if structure.pages.contains(where: { page in
            guard let visible = page.visibleBox, let bleed = page.effectiveBleedBox else { return false }
            return !visible.contains(bleed)
        }) {
            source = directory.appendingPathComponent(".uncropped-\(UUID().uuidString).pdf").path
            try PrintReadyPDF.removingCropBoxes(from: path, to: source)
        }
        defer { if source != path { unlink(source) } }
        let document = try PDFDocument(path: source)
        let numbered = findings.filter { $0.page != nil && $0.bbox != nil }
        var names: [String] = []
        for page in structure.pages {
            guard let poppler = document.page(at: page.number - 1) else {
                throw ArtworkError.unreadable(path: path, reason: "page \(page.number) cannot be loaded")
            }
            let name = "page-\(page.number).png"
            let marked = numbered.enumerated().filter { $0.element.page == page.number }.map { ($0.offset + 1, $0.element) }
            try render(poppler, structure: page, numbered: marked, renderedBox: source == path ? page.visibleBox : page.mediaBox,
                       to: directory.appendingPathComponent(name).path)
            names.append(name)
        }
        return names
    }

    /// `renderedBox`: the box Poppler draws from (the visible CropBox, or the MediaBox of an uncropped copy).
    private func render(_ page: PDFPage, structure: PageStructure, numbered: [(Int, Finding)], renderedBox: PDFRect?,
                        to path: String) throws {
        guard let media = structure.mediaBox, let renderedBox else {
            throw ArtworkError.unreadable(path: path, reason: "a page has no MediaBox")
        }
        let scale = pixelsPerInch / 72
        let area = (structure.effectiveBleedBox ?? media).intersection(renderedBox) ?? renderedBox
        let space = RenderedPageSpace(crop: renderedBox, rotation: structure.rotation)
        // The bleed area in rendered space: the proof shows exactly that region.
        let a = space.rendered(x: area.x0, y: area.y0), b = space.rendered(x: area.x1, y: area.y1)
        let (u0, v0) = (min(a.u, b.u), min(a.v, b.v))
        let pixelWidth = Int32(max(1, (abs(b.u - a.u) * scale).rounded(.up)))
        let pageHeight = max(1, (abs(b.v - a.v) * scale).rounded(.up))
        let pixelHeight = Int32(pageHeight + Self.legendHeight)
        guard let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, pixelWidth, pixelHeight),
              cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else {
            throw ProofError.pageTooLarge(widthPx: Int(pixelWidth), heightPx: Int(pixelHeight))
        }
        defer { cairo_surface_destroy(surface) }
        guard let context = cairo_create(surface) else { throw ProofError.pageTooLarge(widthPx: Int(pixelWidth), heightPx: Int(pixelHeight)) }
        defer { cairo_destroy(context) }
        cairo_set_source_rgb(context, 1, 1, 1)
        cairo_paint(context)
        cairo_save(context)
        cairo_rectangle(context, 0, 0, Double(pixelWidth), pageHeight)
        cairo_clip(context)
        cairo_scale(context, scale, scale)
        cairo_translate(context, -u0, -v0)
        poppler_page_render(page.handle, context)
        ProofOverlay(space: space, product: product, structure: structure, scale: scale).draw(on: context, numbered: numbered)
        cairo_restore(context)
        ProofOverlay.drawLegend(on: context, top: pageHeight, width: Double(pixelWidth), catalogue: catalogue,
                                showsCutLine: product.shape.map { $0 != .rectangle } ?? false)
        cairo_surface_flush(surface)
        let status = cairo_surface_write_to_png(surface, path)
        guard status == CAIRO_STATUS_SUCCESS else {
            throw ProofError.cannotWrite(path: path, reason: String(cString: cairo_status_to_string(status)))
        }
    }
}

public enum ProofError: Error, Sendable, CustomStringConvertible {
    case pageTooLarge(widthPx: Int, heightPx: Int)
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case .pageTooLarge(let width, let height): "the page is too large to render as a proof (\(width) x \(height) px)"
        case .cannotWrite(let path, let reason): "the proof \(path) cannot be written: \(reason)"
        }
    }
}
