/// pages.count: the file has as many pages as the order (exact, list or range).
struct PageCountCheck: PreflightCheck {
    let id = "pages.count"

    func findings(in context: PreflightContext) -> [Finding] {
        let count = context.pageCount
        guard let rule = context.product.pages, !rule.allows(count) else { return [] }
        return [finding(context, "The file has \(count) page(s); the order asks for \(rule)",
                        measured: String(count), expected: rule.description)]
    }
}
