/// page.rotation: /Rotate is set, so the page shows turned; imposition must know.
struct PageRotationCheck: PreflightCheck {
    let id = "page.rotation"
    let defaultSeverity = Finding.Severity.info

    func findings(in context: PreflightContext) -> [Finding] {
        context.structure.pages.filter { $0.rotation != 0 }.map { page in
            finding(context, page: page.number, Message("page.rotation", ["page": .count(page.number), "degrees": .count(page.rotation)]),
                    measured: "\(page.rotation)", expected: "0")
        }
    }
}
