/// color.ink_coverage: the most ink any painted CMYK colour or image pixel lays down, against
/// `max_ink_coverage`; above it the press smears and sheets stick. Measured on the objects themselves,
/// where the worst one is.
struct InkCoverageCheck: PreflightCheck {
    let id = "color.ink_coverage"
    let defaultSeverity = Finding.Severity.warning

    func findings(in context: PreflightContext) -> [Finding] {
        let limit = context.profile.thresholds.maximumInkCoverage
        return context.structure.pages.compactMap { page in
            guard let worst = page.content.maximumInk, worst.percent > limit + 0.5 else { return nil }
            let measured = "\(Int(worst.percent.rounded()))%"
            return finding(context, page: page.number,
                           Message("color.ink_coverage", ["page": .count(page.number), "percent": .number(worst.percent.rounded()),
                                                          "source": .text(worst.source), "limit": .number(limit.rounded(.down))]),
                           measured: measured, expected: "≤ \(Int(limit))%", bbox: worst.bbox)
        }
    }
}
