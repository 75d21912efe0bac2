/// pages.mismatched_sizes: every page of a product has the same trim size (either orientation).
struct MismatchedPageSizesCheck: PreflightCheck {
    let id = "pages.mismatched_sizes"
    let defaultSeverity = Finding.Severity.warning

    func findings(in context: PreflightContext) -> [Finding] {
        let pages = context.structure.pages
        guard let first = pages.first?.effectiveTrimBox else { return [] }
        let tolerance = Length.millimetres(context.profile.thresholds.sizeToleranceMm).points
        return pages.dropFirst().compactMap { page in
            guard let box = page.effectiveTrimBox else { return nil }
            let same = (abs(box.width - first.width) <= tolerance && abs(box.height - first.height) <= tolerance)
                || (abs(box.width - first.height) <= tolerance && abs(box.height - first.width) <= tolerance)
            guard !same else { return nil }
            return finding(context, page: page.number,
                           Message("pages.mismatched_sizes", ["page": .count(page.number), "widthMm": .mm(box.width), "heightMm": .mm(box.height),
                                                              "firstWidthMm": .mm(first.width), "firstHeightMm": .mm(first.height)]),
                           measured: mmSize(box.width, box.height), expected: mmSize(first.width, first.height), bbox: box)
        }
    }
}
