import CPoppler
import Foundation

/// Turns an image file into a one-page PDF of trim plus bleed with the image scaled to cover it, for the
/// proof and print-ready stages. JPEG data is embedded as it is (Cairo's MIME data), so a CMYK JPEG stays
/// CMYK and is not recompressed; PNG is decoded by Cairo; a TIFF's samples (CMYK, grey or RGB) replace
/// Cairo's placeholder image afterwards (`TIFFEmbedding`). Boxes are set afterwards with qpdf
/// (`PrintReadyPDF`), since Cairo cannot write them.
public struct RasterToPDF: Sendable {
    public enum BleedGeneration: String, Sendable, Hashable, Codable, CaseIterable { case none, mirror }

    public var product: ProductSpec
    public var bleedGeneration: BleedGeneration

    public init(product: ProductSpec, bleedGeneration: BleedGeneration = .none) {
        self.product = product
        self.bleedGeneration = bleedGeneration
    }

    public func write(imageAt path: String, kind: ArtworkKind, info: RasterInfo, to output: String) throws(PrintReadyError) {
        // Without an ordered trim the image keeps its own size at its declared resolution (300 ppi if none).
        let ppi = info.ppiX ?? 300
        let trim = product.trim ?? TrimSize(width: .points(Double(info.displayedWidthPx) * 72 / ppi),
                                             height: .points(Double(info.displayedHeightPx) * 72 / ppi))
        let bleed = product.bleed?.points ?? 0
        let page = (width: trim.width.points + 2 * bleed, height: trim.height.points + 2 * bleed)
        let tiff = kind == .tiff ? try TIFFImage.read(path: path) : nil
        let image = try surface(for: path, kind: kind, info: info, tiff: tiff)
        defer { cairo_surface_destroy(image) }
        guard let pdf = cairo_pdf_surface_create(output, page.width, page.height), let context = cairo_create(pdf) else {
            throw .unsupported("Cairo cannot create \(output)")
        }
        defer {
            cairo_destroy(context)
            cairo_surface_finish(pdf)
            cairo_surface_destroy(pdf)
        }
        let trimRect = (x: bleed, y: bleed, width: trim.width.points, height: trim.height.points)
        let area = mirrorsBleed(of: info) ? trimRect : (x: 0.0, y: 0.0, width: page.width, height: page.height)
        var offsets = [(0.0, 0.0)]
        if area.width < page.width { offsets = [-1.0, 0, 1].flatMap { dx in [-1.0, 0, 1].map { dy in (dx, dy) } } }
        for (dx, dy) in offsets {
            cairo_save(context)
            // Mirror across the trim edge: the copy beside the trim is the image flipped at that edge.
            cairo_translate(context, area.x + area.width / 2 + dx * area.width, area.y + area.height / 2 + dy * area.height)
            cairo_scale(context, dx == 0 ? 1 : -1, dy == 0 ? 1 : -1)
            draw(image, info: info, cover: (area.width, area.height), on: context)
            cairo_restore(context)
        }
        cairo_show_page(context)
        let status = cairo_surface_status(pdf)
        guard status == CAIRO_STATUS_SUCCESS else { throw .unsupported(String(cString: cairo_status_to_string(status))) }
        if let tiff {
            cairo_surface_finish(pdf)
            try TIFFEmbedding.embed(tiff, inPDFAt: output)
        }
    }

    /// The laid-out image PDF with its RGB converted to CMYK when `fixer` asks for color.cmyk (written to
    /// `output`, whose path is returned), else `laidOut` as it is.
    public static func convertingColour(of laidOut: String, with fixer: ArtworkFixer?, to output: String) throws(PrintReadyError) -> String {
        guard var fixer, fixer.settings.includes(.colorCMYK) else { return laidOut }
        fixer.settings.fixups = [.colorCMYK]
        do {
            return try fixer.fix(pdfAt: laidOut, writingTo: output).isEmpty ? laidOut : output
        } catch {
            throw .unsupported(error.description)
        }
    }

    /// Whether the bleed is mirrored from the image's edges: when asked, bleed is ordered and the image was
    /// made to the trim (its proportions are nearer the trim's than trim plus bleed's: it has no bleed).
    public func mirrorsBleed(of info: RasterInfo) -> Bool {
        guard bleedGeneration == .mirror, let trim = product.trim, let bleed = product.bleed?.points, bleed > 0 else { return false }
        let imageRatio = Double(info.displayedWidthPx) / Double(info.displayedHeightPx)
        let trimRatio = trim.width.points / trim.height.points
        let pageRatio = (trim.width.points + 2 * bleed) / (trim.height.points + 2 * bleed)
        return abs(imageRatio - trimRatio) < abs(imageRatio - pageRatio)
    }

    /// Draws the image centred at the origin, turned upright by its EXIF orientation, scaled to cover `cover`.
    private func draw(_ image: OpaquePointer, info: RasterInfo, cover: (width: Double, height: Double), on context: OpaquePointer) {
        let scale = max(cover.width / Double(info.displayedWidthPx), cover.height / Double(info.displayedHeightPx))
        cairo_rectangle(context, -cover.width / 2, -cover.height / 2, cover.width, cover.height)
        cairo_clip(context)
        cairo_scale(context, scale, scale)
        switch info.orientation {
        case 3: cairo_rotate(context, .pi)
        case 6: cairo_rotate(context, .pi / 2)
        case 8: cairo_rotate(context, -.pi / 2)
        case 2: cairo_scale(context, -1, 1)
        case 4: cairo_scale(context, 1, -1)
        case 5: cairo_rotate(context, .pi / 2); cairo_scale(context, 1, -1)
        case 7: cairo_rotate(context, -.pi / 2); cairo_scale(context, 1, -1)
        default: break
        }
        cairo_set_source_surface(context, image, -Double(info.widthPx) / 2, -Double(info.heightPx) / 2)
        cairo_paint(context)
    }

    /// A Cairo surface for the image: for JPEG a blank surface carrying the file as MIME data (what the PDF
    /// surface embeds), for PNG the decoded pixels.
    private func surface(for path: String, kind: ArtworkKind, info: RasterInfo, tiff: TIFFImage?) throws(PrintReadyError) -> OpaquePointer {
        switch kind {
        case .jpeg:
            guard let data = FileManager.default.contents(atPath: path) else { throw .unsupported("the JPEG cannot be read") }
            // Cairo needs a surface of the image's size; its pixels are never used, the JPEG data is.
            guard let sized = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(info.widthPx), Int32(info.heightPx)),
                  cairo_surface_status(sized) == CAIRO_STATUS_SUCCESS else {
                throw .unsupported("the JPEG is too large (\(info.widthPx) x \(info.heightPx) px)")
            }
            let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: data.count)
            data.copyBytes(to: buffer, count: data.count)
            let release: @convention(c) (UnsafeMutableRawPointer?) -> Void = { pointer in pointer?.deallocate() }
            cairo_surface_set_mime_data(sized, CAIRO_MIME_TYPE_JPEG, buffer, UInt(data.count), release, buffer)
            return sized
        case .png:
            guard let surface = cairo_image_surface_create_from_png(path), cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else {
                throw .unsupported("the PNG cannot be decoded")
            }
            return surface
        case .tiff:
            // A placeholder of the image's size; its pixels are replaced by the TIFF's own after layout.
            guard let tiff, let sized = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(tiff.width), Int32(tiff.height)),
                  cairo_surface_status(sized) == CAIRO_STATUS_SUCCESS else {
                throw .unsupported("the TIFF is too large (\(info.widthPx) x \(info.heightPx) px)")
            }
            return sized
        case .pdf:
            throw .unsupported("a PDF is not an image")
        }
    }
}
