/// safety.text: glyphs between the trim edge and the safety line (or beyond the trim), where the cut may
/// drift into them. One finding per page, its box around the offending glyphs.
struct SafetyTextCheck: PreflightCheck {
    let id = "safety.text"

    func findings(in context: PreflightContext) -> [Finding] {
        guard let safety = context.product.safety, safety.points > 0 else { return [] }
        return context.structure.pages.compactMap { page in
            guard let trim = page.effectiveTrimBox, let glyphs = context.glyphs[page.number], !glyphs.isEmpty else { return nil }
            let live = trim.expanded(by: -safety.points)
            // A glyph counts when it reaches past the safety line but still shows on the sheet.
            let outside = glyphs.filter { !live.contains($0, tolerance: 0.25) && trim.expanded(by: safety.points).intersection($0) != nil }
            guard let first = outside.first else { return nil }
            let bounds = outside.dropFirst().reduce(first) { PDFRect(x0: min($0.x0, $1.x0), y0: min($0.y0, $1.y0), x1: max($0.x1, $1.x1), y1: max($0.y1, $1.y1)) }
            let closest = outside.map { $0.smallestMargin(within: trim) }.min() ?? 0
            return finding(context, page: page.number,
                           "Page \(page.number) has \(outside.count) character(s) closer than \(mm(safety.points)) to the trim edge; the cut may touch them",
                           measured: closest < 0 ? "past the trim" : mm(closest) + " from the trim", expected: "≥ \(mm(safety.points)) inside the trim",
                           bbox: bounds)
        }
    }
}
