/// pdf.xobject_nesting: Form XObjects or tiling patterns that draw themselves, or nest deeper than
/// `ContentWalker.maximumDepth` levels. Viewers quietly cut such loops; a RIP may hang or stop the whole
/// press run on them, and what prints is whatever the cut left. Real artwork nests a handful of levels.
struct XObjectNestingCheck: PreflightCheck {
    let id = "pdf.xobject_nesting"

    func findings(in context: PreflightContext) -> [Finding] {
        context.structure.pages.flatMap { page in
            page.content.nestingProblems.map { problem in
                switch problem {
                case .loop(let name):
                    finding(context, page: page.number, Message("pdf.xobject_nesting.loop", ["page": .count(page.number), "name": .text(name)]),
                            measured: "\(name) loops", expected: "no form or pattern inside itself")
                case .tooDeep(let limit):
                    finding(context, page: page.number, Message("pdf.xobject_nesting.depth", ["page": .count(page.number), "limit": .count(limit)]),
                            measured: "more than \(limit) levels", expected: "at most \(limit) levels")
                }
            }
        }
    }
}
