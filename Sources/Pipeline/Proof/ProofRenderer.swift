import CPoppler
import Foundation

/// Renders PDF pages to PNG with Poppler into Cairo. This is the plain render the proof issue builds its
/// overlays on; runs inside a worker process, whose address-space limit stops a page that is too big.
public struct ProofRenderer: Sendable {
    public var pixelsPerInch: Double

    public init(pixelsPerInch: Double = 150) { self.pixelsPerInch = pixelsPerInch }

    /// Writes `page-N.png` (1-based) for every page into `directory`; returns the file names in page order.
    public func renderPages(ofPDFAt path: String, into directory: URL) throws -> [String] {
        let document = try PDFDocument(path: path)
        var names: [String] = []
        for index in 0..<document.pageCount {
            guard let page = document.page(at: index) else {
                throw ArtworkError.unreadable(path: path, reason: "page \(index + 1) cannot be loaded")
            }
            let name = "page-\(index + 1).png"
            try render(page, to: directory.appendingPathComponent(name).path)
            names.append(name)
        }
        return names
    }

    private func render(_ page: PDFPage, to path: String) throws {
        let scale = pixelsPerInch / 72
        let (width, height) = page.size
        let pixelWidth = Int32(max(1, (width * scale).rounded(.up)))
        let pixelHeight = Int32(max(1, (height * scale).rounded(.up)))
        guard let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, pixelWidth, pixelHeight),
              cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else {
            throw ProofError.pageTooLarge(widthPx: Int(pixelWidth), heightPx: Int(pixelHeight))
        }
        defer { cairo_surface_destroy(surface) }
        let context = cairo_create(surface)
        defer { cairo_destroy(context) }
        cairo_set_source_rgb(context, 1, 1, 1)
        cairo_paint(context)
        cairo_scale(context, scale, scale)
        poppler_page_render(page.handle, context)
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
