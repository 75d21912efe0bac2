import CPoppler
import Foundation

/// Small page renderings (PNG) for the HTML report and job lists.
public struct Thumbnailer: Sendable {
    /// The longest side, in pixels.
    public var longestSide: Double

    public init(longestSide: Double = 300) { self.longestSide = longestSide }

    /// PNG data of page `index` (0-based), or nil when the page cannot be rendered.
    public func png(of document: PDFDocument, page index: Int, scratchDirectory: URL) -> Data? {
        guard let page = document.page(at: index) else { return nil }
        let (width, height) = page.size
        guard width > 0, height > 0 else { return nil }
        let scale = longestSide / max(width, height)
        guard let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(max(1, (width * scale).rounded(.up))),
                                                       Int32(max(1, (height * scale).rounded(.up)))),
              cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else { return nil }
        defer { cairo_surface_destroy(surface) }
        let context = cairo_create(surface)
        cairo_set_source_rgb(context, 1, 1, 1)
        cairo_paint(context)
        cairo_scale(context, scale, scale)
        poppler_page_render(page.handle, context)
        cairo_destroy(context)
        let path = scratchDirectory.appendingPathComponent(".thumbnail-\(UUID().uuidString).png").path
        defer { unlink(path) }
        guard cairo_surface_write_to_png(surface, path) == CAIRO_STATUS_SUCCESS else { return nil }
        return FileManager.default.contents(atPath: path)
    }
}
