import CPoppler
import Foundation

/// Renders a page with Poppler into a Cairo image and compares, along each trim edge, a strip just inside
/// the trim with a strip in the middle of the bleed: ink inside with paper outside means the artwork stops
/// at the trim, and a slightly-off cut will show a white edge. Images, vector shapes and text all count,
/// because the rendered pixels are what is judged. Runs in the worker process.
struct BleedCoverageInspector {
    /// Channel values above this count as paper (anti-aliased edges of white stay white).
    static let paperLevel: UInt8 = 245
    /// The longest side of the rendering, to keep a huge page from costing gigabytes.
    static let maximumPixels = 4000.0

    /// `cut` is the product's shape on this page; nil or a rectangle judges the four trim edges.
    func coverage(of page: PDFPage, structure: PageStructure, bleed: Length, cut: CutShape? = nil) -> BleedCoverage? {
        guard let trim = structure.effectiveTrimBox, let media = structure.mediaBox, let visible = structure.visibleBox else { return nil }
        // Poppler renders the visible CropBox region, turned by /Rotate.
        let space = RenderedPageSpace(crop: visible, rotation: structure.rotation)
        let bleedArea = (structure.bleedBox.flatMap { $0.intersection(media) } ?? media).intersection(visible) ?? visible
        // Enough pixels for at least six across the bleed, within the size cap.
        var scale = max(1, 6 / max(bleed.points, 1))
        scale = min(scale, Self.maximumPixels / max(visible.width, visible.height))
        // A page without bleed area has nothing to judge here (bleed.insufficient speaks for it): skip the render.
        let reaches = [trim.x0 - bleedArea.x0, bleedArea.x1 - trim.x1, trim.y0 - bleedArea.y0, bleedArea.y1 - trim.y1]
        guard reaches.contains(where: { $0 >= 2 / scale }) else { return BleedCoverage(gaps: []) }
        if let cut, !cut.isRectangle {
            guard let raster = PageRaster(page: page, space: space, scale: scale, strips: nil) else { return nil }
            return shapedCoverage(raster, cut: cut, bleedArea: bleedArea, bleed: bleed)
        }
        // Only the strips along the trim edges are judged, so only they are painted: on a large page this
        // saves most of the rasterising.
        let margin = 3 / scale
        let strips = [
            PDFRect(x0: bleedArea.x0, y0: trim.y0, x1: trim.x0 + margin, y1: trim.y1),
            PDFRect(x0: trim.x1 - margin, y0: trim.y0, x1: bleedArea.x1, y1: trim.y1),
            PDFRect(x0: trim.x0, y0: bleedArea.y0, x1: trim.x1, y1: trim.y0 + margin),
            PDFRect(x0: trim.x0, y0: trim.y1 - margin, x1: trim.x1, y1: bleedArea.y1),
        ]
        guard let raster = PageRaster(page: page, space: space, scale: scale, strips: strips) else { return nil }
        func isInked(x: Double, y: Double) -> Bool { raster.isInked(x: x, y: y) }

        let step = 1 / scale
        let inside = 1.5 / scale
        var gaps: [BleedCoverage.Gap] = []
        for edge in BleedCoverage.Edge.allCases {
            // How far the bleed reaches on this side; the middle of it is where artwork must still be.
            let reach: Double
            switch edge {
            case .left: reach = trim.x0 - bleedArea.x0
            case .right: reach = bleedArea.x1 - trim.x1
            case .bottom: reach = trim.y0 - bleedArea.y0
            case .top: reach = bleedArea.y1 - trim.y1
            }
            guard reach >= 2 / scale else { continue }
            let outside = min(reach / 2, bleed.points / 2)
            var run: (start: Double, end: Double)?
            var missing: [(Double, Double)] = []
            let horizontal = edge == .top || edge == .bottom
            let from = horizontal ? trim.x0 : trim.y0
            let to = horizontal ? trim.x1 : trim.y1
            var position = from + step / 2
            while position < to {
                let inPoint: (Double, Double), outPoint: (Double, Double)
                switch edge {
                case .left: (inPoint, outPoint) = ((trim.x0 + inside, position), (trim.x0 - outside, position))
                case .right: (inPoint, outPoint) = ((trim.x1 - inside, position), (trim.x1 + outside, position))
                case .bottom: (inPoint, outPoint) = ((position, trim.y0 + inside), (position, trim.y0 - outside))
                case .top: (inPoint, outPoint) = ((position, trim.y1 - inside), (position, trim.y1 + outside))
                }
                let gap = isInked(x: inPoint.0, y: inPoint.1) && !isInked(x: outPoint.0, y: outPoint.1)
                if gap {
                    run = (run?.start ?? position, position)
                } else if let current = run {
                    missing.append((current.start, current.end))
                    run = nil
                }
                position += step
            }
            if let current = run { missing.append((current.start, current.end)) }
            for (start, end) in missing where end - start + step >= max(2 * step, 1) {
                let bbox: PDFRect
                switch edge {
                case .left: bbox = PDFRect(x0: trim.x0 - reach, y0: start, x1: trim.x0, y1: end)
                case .right: bbox = PDFRect(x0: trim.x1, y0: start, x1: trim.x1 + reach, y1: end)
                case .bottom: bbox = PDFRect(x0: start, y0: trim.y0 - reach, x1: end, y1: trim.y0)
                case .top: bbox = PDFRect(x0: start, y0: trim.y1, x1: end, y1: trim.y1 + reach)
                }
                gaps.append(.init(edge: edge, bbox: bbox, length: end - start + step))
            }
        }
        return BleedCoverage(gaps: gaps)
    }

    /// Along a curved cut: at points about a pixel apart on the line, ink just inside with paper half the
    /// bleed outside is artwork that stops at the cut. Each run of such points facing one side of the shape
    /// is one gap, named by that side.
    private func shapedCoverage(_ raster: PageRaster, cut: CutShape, bleedArea: PDFRect, bleed: Length) -> BleedCoverage {
        let step = 1 / raster.scale
        let inside = 1.5 / raster.scale
        let outside = bleed.points / 2
        var gaps: [BleedCoverage.Gap] = []
        var run: (edge: BleedCoverage.Edge, box: PDFRect, count: Int)?
        func close() {
            if let run, run.count >= 2 { gaps.append(.init(edge: run.edge, bbox: run.box.expanded(by: outside), length: Double(run.count) * step)) }
            run = nil
        }
        for sample in cut.samples(spacing: step) {
            let outPoint = (sample.x + sample.nx * outside, sample.y + sample.ny * outside)
            // Where the page has no bleed area past the line, bleed.insufficient speaks; nothing to judge here.
            let judged = outPoint.0 >= bleedArea.x0 && outPoint.0 <= bleedArea.x1 && outPoint.1 >= bleedArea.y0 && outPoint.1 <= bleedArea.y1
            guard judged && raster.isInked(x: sample.x - sample.nx * inside, y: sample.y - sample.ny * inside)
                    && !raster.isInked(x: outPoint.0, y: outPoint.1) else {
                close()
                continue
            }
            let edge: BleedCoverage.Edge = abs(sample.nx) > abs(sample.ny) ? (sample.nx < 0 ? .left : .right) : (sample.ny < 0 ? .bottom : .top)
            let point = PDFRect(x0: sample.x, y0: sample.y, x1: sample.x, y1: sample.y)
            if let current = run, current.edge == edge {
                run = (edge, current.box.union(point), current.count + 1)
            } else {
                close()
                run = (edge, point, 1)
            }
        }
        close()
        return BleedCoverage(gaps: gaps)
    }
}

/// A page rendered by Poppler on white, whole or only inside `strips`, asked pixel by pixel whether ink is
/// there.
private final class PageRaster {
    let scale: Double
    private let space: RenderedPageSpace
    private let surface: OpaquePointer
    private let data: UnsafeMutablePointer<UInt8>
    private let stride: Int
    private let width: Int, height: Int

    init?(page: PDFPage, space: RenderedPageSpace, scale: Double, strips: [PDFRect]?) {
        let width = Int32(max(1, (space.size.width * scale).rounded(.up)))
        let height = Int32(max(1, (space.size.height * scale).rounded(.up)))
        guard let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height),
              cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else { return nil }
        let context = cairo_create(surface)
        cairo_scale(context, scale, scale)
        if let strips {
            for strip in strips {
                let a = space.rendered(x: strip.x0, y: strip.y0), b = space.rendered(x: strip.x1, y: strip.y1)
                cairo_rectangle(context, min(a.u, b.u), min(a.v, b.v), abs(b.u - a.u), abs(b.v - a.v))
            }
            cairo_clip(context)
        }
        cairo_set_source_rgb(context, 1, 1, 1)
        cairo_paint(context)
        poppler_page_render(page.handle, context)
        cairo_destroy(context)
        cairo_surface_flush(surface)
        guard let data = cairo_image_surface_get_data(surface) else {
            cairo_surface_destroy(surface)
            return nil
        }
        self.scale = scale
        self.space = space
        self.surface = surface
        self.data = data
        self.stride = Int(cairo_image_surface_get_stride(surface))
        self.width = Int(width)
        self.height = Int(height)
    }

    deinit { cairo_surface_destroy(surface) }

    func isInked(x: Double, y: Double) -> Bool {
        let (u, v) = space.rendered(x: x, y: y)
        let px = Int((u * scale).rounded(.down))
        let py = Int((v * scale).rounded(.down))
        guard px >= 0, py >= 0, px < width, py < height else { return false }
        let pixel = data.advanced(by: py * stride + px * 4)
        return pixel[0] < BleedCoverageInspector.paperLevel || pixel[1] < BleedCoverageInspector.paperLevel
            || pixel[2] < BleedCoverageInspector.paperLevel
    }
}
