/// bleed.content_missing: artwork that touches the trim edge stops there instead of running into the bleed.
/// Decided from the rendered page, so images, vector shapes and text all count; artwork that stops short of
/// the trim needs no bleed and is not reported.
struct BleedContentCheck: PreflightCheck {
    let id = "bleed.content_missing"

    func findings(in context: PreflightContext) -> [Finding] {
        guard let bleed = context.product.bleed, bleed.points > 0 else { return [] }
        return context.structure.pages.compactMap { page in
            guard let coverage = context.bleedCoverage[page.number], !coverage.gaps.isEmpty else { return nil }
            let edges = MessageParameter.terms(Array(Set(coverage.gaps.map(\.edge.rawValue))).sorted().map { "edge." + $0 })
            let total = coverage.gaps.map(\.length).reduce(0, +)
            let longest = coverage.gaps.max { $0.length < $1.length }
            if let shape = context.product.shape, ![.rectangle, .custom].contains(shape) {
                return finding(context, page: page.number,
                               Message("bleed.content_missing.shape", ["page": .count(page.number), "shape": shape.term, "edges": edges, "lengthMm": .mm(total)]),
                               measured: "\(mm(total)) of the cut line without bleed", expected: "artwork extended \(mm(bleed.points)) past the cut line",
                               bbox: longest?.bbox)
            }
            return finding(context, page: page.number,
                           Message("bleed.content_missing", ["page": .count(page.number), "edges": edges, "lengthMm": .mm(total)]),
                           measured: "\(mm(total)) of edge without bleed", expected: "artwork extended \(mm(bleed.points)) past the trim",
                           bbox: longest?.bbox)
        }
    }
}
