/// pages.count: the file has as many pages as the order (exact, list or range). A file without a single
/// page has nothing to print, whatever was ordered.
struct PageCountCheck: PreflightCheck {
    let id = "pages.count"

    func findings(in context: PreflightContext) -> [Finding] {
        let count = context.pageCount
        if count == 0, context.product.pages == nil {
            return [finding(context, Message("pages.count.none"), measured: "0", expected: "at least 1 page")]
        }
        guard let rule = context.product.pages, !rule.allows(count) else { return [] }
        return [finding(context, Message("pages.count", ["count": .count(count), "rule": .text(rule.description)]),
                        measured: String(count), expected: rule.description)]
    }
}
