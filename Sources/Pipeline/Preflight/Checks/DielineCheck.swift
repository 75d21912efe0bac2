/// dieline.missing: a custom-shaped product is cut along the line the customer draws in a die-line spot
/// colour (CutContour, Dieline, Stanze, ...). A file without one cannot be cut, and an image file cannot
/// carry one.
struct DielineMissingCheck: PreflightCheck {
    let id = "dieline.missing"

    func findings(in context: PreflightContext) -> [Finding] {
        guard context.product.shape == .custom else { return [] }
        let names = context.product.dielineSearchNames
        let wanted = "a path in the spot colour \(names[0])"
        if context.raster != nil {
            return [finding(context, Message("dieline.missing.image", ["name": .text(names[0])]), measured: "image file", expected: wanted)]
        }
        guard !context.structure.pages.isEmpty, context.structure.pages.allSatisfy({ $0.content.dieline == nil }) else { return [] }
        return [finding(context, Message("dieline.missing", ["name": .text(names[0]), "others": .text(names.dropFirst().prefix(4).joined(separator: ", "))]),
                        measured: "no die-line", expected: wanted)]
    }
}
