import CPoppler
import Foundation

/// The proof sheet: one PDF a customer can file, with the order data, the findings (numbered as on the
/// proof pages), the legend, and every proof page. Written with Cairo's PDF surface: it is a document
/// about the artwork, never the artwork itself (that goes through qpdf, untouched).
public struct ProofSheet: Sendable {
    public var title: String
    public var orderLines: [String]
    public var findings: [Finding]
    /// Paths of the proof page PNGs, in page order.
    public var pageImages: [String]

    public init(title: String, orderLines: [String], findings: [Finding], pageImages: [String]) {
        self.title = title
        self.orderLines = orderLines
        self.findings = findings
        self.pageImages = pageImages
    }

    static let pageSize = (width: 595.276, height: 841.89)
    static let margin = 40.0

    public func write(to path: String) throws {
        guard let surface = cairo_pdf_surface_create(path, Self.pageSize.width, Self.pageSize.height),
              cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS, let context = cairo_create(surface) else {
            throw ProofError.cannotWrite(path: path, reason: "Cairo cannot create the PDF")
        }
        defer {
            cairo_destroy(context)
            cairo_surface_finish(surface)
            cairo_surface_destroy(surface)
        }
        var y = Self.margin
        func line(_ text: String, size: Double = 10, bold: Bool = false, colour: (Double, Double, Double) = (0.1, 0.1, 0.1)) {
            let width = Int((Self.pageSize.width - 2 * Self.margin) / (size * 0.5))
            for chunk in Self.wrap(text, width: max(20, width)) {
                if y > Self.pageSize.height - Self.margin {
                    cairo_show_page(context)
                    y = Self.margin
                }
                cairo_select_font_face(context, "sans-serif", CAIRO_FONT_SLANT_NORMAL, bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
                cairo_set_font_size(context, size)
                cairo_set_source_rgb(context, colour.0, colour.1, colour.2)
                cairo_move_to(context, Self.margin, y + size)
                cairo_show_text(context, chunk)
                y += size * 1.4
            }
        }
        line(title, size: 18, bold: true)
        y += 6
        for text in orderLines { line(text) }
        y += 8
        line("Legend: pink shading = bleed (cut away), blue line = trim, green dashes = safety line, red boxes = numbered findings.", size: 9)
        y += 8
        let numbered = findings.filter { $0.page != nil && $0.bbox != nil }
        line(findings.isEmpty ? "No findings." : "Findings", size: 13, bold: true)
        for finding in findings {
            let number = numbered.firstIndex(of: finding).map { "[\($0 + 1)] " } ?? ""
            let colour: (Double, Double, Double) = finding.severity == .error ? (0.75, 0.1, 0.1) : finding.severity == .warning ? (0.8, 0.45, 0) : (0.35, 0.35, 0.35)
            line("\(number)\(finding.severity.rawValue.uppercased())  \(finding.page.map { "page \($0): " } ?? "")\(finding.message)", size: 9, colour: colour)
        }
        for (index, path) in pageImages.enumerated() {
            guard let image = cairo_image_surface_create_from_png(path), cairo_surface_status(image) == CAIRO_STATUS_SUCCESS else { continue }
            defer { cairo_surface_destroy(image) }
            cairo_show_page(context)
            y = Self.margin
            line("Page \(index + 1)", size: 13, bold: true)
            let width = Double(cairo_image_surface_get_width(image)), height = Double(cairo_image_surface_get_height(image))
            let available = (Self.pageSize.width - 2 * Self.margin, Self.pageSize.height - y - Self.margin)
            let scale = min(available.0 / width, available.1 / height)
            cairo_save(context)
            cairo_translate(context, Self.margin, y)
            cairo_scale(context, scale, scale)
            cairo_set_source_surface(context, image, 0, 0)
            cairo_paint(context)
            cairo_restore(context)
        }
    }

    /// Splits text into lines of at most `width` characters at spaces.
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            if !current.isEmpty && current.count + word.count + 1 > width {
                lines.append(current)
                current = String(word)
            } else {
                current += current.isEmpty ? String(word) : " " + word
            }
        }
        if !current.isEmpty || lines.isEmpty { lines.append(current) }
        return lines
    }

    /// A copy of `png` scaled so its longest side is `longestSide` pixels: the thumbnail for job lists.
    public static func thumbnail(of png: String, to output: String, longestSide: Double = 300) throws {
        guard let image = cairo_image_surface_create_from_png(png), cairo_surface_status(image) == CAIRO_STATUS_SUCCESS else {
            throw ProofError.cannotWrite(path: output, reason: "cannot read \(png)")
        }
        defer { cairo_surface_destroy(image) }
        let width = Double(cairo_image_surface_get_width(image)), height = Double(cairo_image_surface_get_height(image))
        let scale = longestSide / max(width, height)
        guard let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(max(1, (width * scale).rounded())),
                                                       Int32(max(1, (height * scale).rounded()))),
              let context = cairo_create(surface) else { throw ProofError.cannotWrite(path: output, reason: "out of memory") }
        defer {
            cairo_destroy(context)
            cairo_surface_destroy(surface)
        }
        cairo_scale(context, scale, scale)
        cairo_set_source_surface(context, image, 0, 0)
        cairo_pattern_set_filter(cairo_get_source(context), CAIRO_FILTER_GOOD)
        cairo_paint(context)
        guard cairo_surface_write_to_png(surface, output) == CAIRO_STATUS_SUCCESS else {
            throw ProofError.cannotWrite(path: output, reason: "cannot write the thumbnail")
        }
    }
}
