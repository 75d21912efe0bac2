/// bleed.insufficient: the BleedBox (or the MediaBox where there is none) reaches less than the ordered bleed
/// beyond the trim on some side.
struct BleedSizeCheck: PreflightCheck {
    let id = "bleed.insufficient"

    func findings(in context: PreflightContext) -> [Finding] {
        guard let bleed = context.product.bleed, bleed.points > 0 else { return [] }
        let tolerance = Length.millimetres(context.profile.thresholds.bleedToleranceMm).points
        return context.structure.pages.compactMap { page in
            guard let trim = page.effectiveTrimBox, let area = page.effectiveBleedBox else { return nil }
            let margin = trim.smallestMargin(within: area)
            guard margin < bleed.points - tolerance else { return nil }
            let source = page.bleedBox != nil ? "BleedBox" : "MediaBox"
            return finding(context, page: page.number,
                           Message("bleed.insufficient", ["page": .count(page.number), "bleedMm": .mm(max(0, margin)), "box": .text(source),
                                                          "orderedMm": .mm(bleed.points)]),
                           measured: mm(max(0, margin)), expected: mm(bleed.points), bbox: area)
        }
    }
}
