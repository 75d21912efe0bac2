import CPoppler
import Foundation

/// Draws the proof's marks over a rendered page, in rendered space (Cairo already scaled to points and
/// translated to the bleed area): bleed zone, the cut line in the product's shape, safety line, numbered
/// finding boxes.
struct ProofOverlay {
    let space: RenderedPageSpace
    let product: ProductSpec
    let structure: PageStructure
    let scale: Double

    /// The colours the legend explains.
    enum Colour {
        static let bleed = (r: 1.0, g: 0.0, b: 0.55, a: 0.18)
        static let trim = (r: 0.0, g: 0.35, b: 0.9)
        static let safety = (r: 0.0, g: 0.6, b: 0.2)
        static let finding = (r: 0.85, g: 0.1, b: 0.1)
    }

    func draw(on context: OpaquePointer, numbered: [(Int, Finding)]) {
        guard let trim = orderedTrim else { return }
        let cut = CutShape(product: product, trim: trim)
        // A custom shape is cut where the file's die-line runs; without one (dieline.missing) the trim shows.
        let cutLine = product.shape == .custom ? structure.content.dieline?.path ?? cut.path : cut.path
        let bleedArea = structure.effectiveBleedBox ?? trim
        let lineWidth = 1 / scale
        // Bleed zone: everything between the bleed area's edge and the cut line, shaded; for a shaped
        // product that includes the corners the cut takes away.
        cairo_set_fill_rule(context, CAIRO_FILL_RULE_EVEN_ODD)
        rectangle(context, bleedArea)
        trace(context, cutLine)
        cairo_set_source_rgba(context, Colour.bleed.r, Colour.bleed.g, Colour.bleed.b, Colour.bleed.a)
        cairo_fill(context)
        // The cut line: solid, the product's shape.
        cairo_set_line_width(context, lineWidth)
        trace(context, cutLine)
        cairo_set_source_rgb(context, Colour.trim.r, Colour.trim.g, Colour.trim.b)
        cairo_stroke(context)
        // Safety: dashed, the ordered distance inside the cut line.
        if let safety = product.safety, safety.points > 0, cut.bounds.width > 2 * safety.points, cut.bounds.height > 2 * safety.points {
            var dashes = [4 / scale, 3 / scale]
            cairo_set_dash(context, &dashes, 2, 0)
            trace(context, cut.offset(by: -safety.points).path)
            cairo_set_source_rgb(context, Colour.safety.r, Colour.safety.g, Colour.safety.b)
            cairo_stroke(context)
            cairo_set_dash(context, nil, 0, 0)
        }
        // Findings: outlined and numbered like the list in the report and on the proof sheet.
        cairo_set_line_width(context, 2 / scale)
        cairo_select_font_face(context, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD)
        cairo_set_font_size(context, 11 / scale)
        for (number, finding) in numbered {
            guard let box = finding.bbox else { continue }
            rectangle(context, box)
            cairo_set_source_rgb(context, Colour.finding.r, Colour.finding.g, Colour.finding.b)
            cairo_stroke(context)
            let corner = space.rendered(x: box.x0, y: box.y1)
            let other = space.rendered(x: box.x1, y: box.y0)
            cairo_move_to(context, min(corner.u, other.u) + 2 / scale, min(corner.v, other.v) + 12 / scale)
            cairo_show_text(context, "\(number)")
        }
    }

    /// The trim the proof shows: the ordered size centred like the print-ready stage places it, else the
    /// page's own trim.
    var orderedTrim: PDFRect? {
        PrintReadyPDF(product: product).boxes(for: structure)?.trimBox ?? structure.effectiveTrimBox
    }

    /// Adds a line given in page space to the current path, in rendered space.
    private func trace(_ context: OpaquePointer, _ path: [CutShape.PathElement]) {
        for element in path {
            switch element {
            case .move(let x, let y):
                let p = space.rendered(x: x, y: y)
                cairo_move_to(context, p.u, p.v)
            case .line(let x, let y):
                let p = space.rendered(x: x, y: y)
                cairo_line_to(context, p.u, p.v)
            case .curve(let x1, let y1, let x2, let y2, let x, let y):
                let a = space.rendered(x: x1, y: y1), b = space.rendered(x: x2, y: y2), p = space.rendered(x: x, y: y)
                cairo_curve_to(context, a.u, a.v, b.u, b.v, p.u, p.v)
            case .close:
                cairo_close_path(context)
            }
        }
    }

    private func rectangle(_ context: OpaquePointer, _ rect: PDFRect) {
        let a = space.rendered(x: rect.x0, y: rect.y0), b = space.rendered(x: rect.x1, y: rect.y1)
        cairo_rectangle(context, min(a.u, b.u), min(a.v, b.v), abs(b.u - a.u), abs(b.v - a.v))
    }

    /// The band under the page that says which colour is which, in the customer's language; a shaped
    /// product's blue line is its cut line rather than a trim.
    static func drawLegend(on context: OpaquePointer, top: Double, width: Double, catalogue: MessageCatalogue, showsCutLine: Bool) {
        cairo_set_source_rgb(context, 0.96, 0.96, 0.96)
        cairo_rectangle(context, 0, top, width, ProofRenderer.legendHeight)
        cairo_fill(context)
        cairo_select_font_face(context, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(context, 11)
        var x = 6.0
        let y = top + ProofRenderer.legendHeight / 2
        func item(_ label: String, _ swatch: (OpaquePointer) -> Void) {
            swatch(context)
            cairo_set_source_rgb(context, 0.1, 0.1, 0.1)
            cairo_move_to(context, x + 20, y + 4)
            cairo_show_text(context, label)
            var extents = cairo_text_extents_t()
            cairo_text_extents(context, label, &extents)
            x += 20 + extents.x_advance + 14
        }
        item(catalogue.render("legend.bleed")) { context in
            cairo_set_source_rgba(context, Colour.bleed.r, Colour.bleed.g, Colour.bleed.b, 0.5)
            cairo_rectangle(context, x, y - 6, 14, 12)
            cairo_fill(context)
        }
        item(catalogue.render(showsCutLine ? "legend.cut" : "legend.trim")) { context in
            cairo_set_source_rgb(context, Colour.trim.r, Colour.trim.g, Colour.trim.b)
            cairo_set_line_width(context, 2)
            cairo_move_to(context, x, y)
            cairo_line_to(context, x + 14, y)
            cairo_stroke(context)
        }
        item(catalogue.render("legend.safety")) { context in
            cairo_set_source_rgb(context, Colour.safety.r, Colour.safety.g, Colour.safety.b)
            cairo_set_line_width(context, 2)
            var dashes = [3.0, 2.0]
            cairo_set_dash(context, &dashes, 2, 0)
            cairo_move_to(context, x, y)
            cairo_line_to(context, x + 14, y)
            cairo_stroke(context)
            cairo_set_dash(context, nil, 0, 0)
        }
        item(catalogue.render("legend.finding")) { context in
            cairo_set_source_rgb(context, Colour.finding.r, Colour.finding.g, Colour.finding.b)
            cairo_set_line_width(context, 2)
            cairo_rectangle(context, x + 1, y - 5, 12, 10)
            cairo_stroke(context)
        }
    }
}
