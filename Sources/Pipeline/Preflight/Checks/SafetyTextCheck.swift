/// safety.text: glyphs between the cut line and the safety line (or beyond the cut), where the cut may
/// drift into them. The lines follow the product's shape: on a round sticker, text in the trim's corner is
/// outside the circle. One finding per page, its box around the offending glyphs.
struct SafetyTextCheck: PreflightCheck {
    let id = "safety.text"

    func findings(in context: PreflightContext) -> [Finding] {
        guard let safety = context.product.safety, safety.points > 0 else { return [] }
        return context.structure.pages.compactMap { page in
            guard let trim = page.effectiveTrimBox, let glyphs = context.glyphs[page.number], !glyphs.isEmpty else { return nil }
            let cut = CutShape(product: context.product, trim: trim)
            let live = cut.offset(by: -safety.points)
            // A glyph counts when it reaches past the safety line but still shows on the sheet.
            let outside = glyphs.filter { !live.contains($0, tolerance: 0.25) && trim.expanded(by: safety.points).intersection($0) != nil }
            guard let first = outside.first else { return nil }
            let bounds = outside.dropFirst().reduce(first) { $0.union($1) }
            if cut.isRectangle {
                let closest = outside.map { $0.smallestMargin(within: trim) }.min() ?? 0
                return finding(context, page: page.number,
                               Message("safety.text", ["page": .count(page.number), "count": .count(outside.count), "safetyMm": .mm(safety.points)]),
                               measured: closest < 0 ? "past the trim" : mm(closest) + " from the trim", expected: "≥ \(mm(safety.points)) inside the trim",
                               bbox: bounds)
            }
            let past = outside.contains { !cut.contains($0, tolerance: 0) }
            return finding(context, page: page.number,
                           Message("safety.text.shape", ["page": .count(page.number), "count": .count(outside.count), "safetyMm": .mm(safety.points),
                                                          "shape": (context.product.shape ?? .rectangle).term]),
                           measured: past ? "past the cut line" : "inside the cut line, outside the safety line",
                           expected: "≥ \(mm(safety.points)) inside the cut line", bbox: bounds)
        }
    }
}
