/// boxes.nesting: TrimBox (or ArtBox) inside BleedBox inside MediaBox, and the CropBox inside the MediaBox.
struct BoxNestingCheck: PreflightCheck {
    let id = "boxes.nesting"

    func findings(in context: PreflightContext) -> [Finding] {
        context.structure.pages.flatMap { page -> [Finding] in
            guard let media = page.mediaBox else {
                return [finding(context, page: page.number, Message("boxes.nesting.no_media_box", ["page": .count(page.number)]),
                                measured: "none", expected: "MediaBox")]
            }
            var pairs: [(inner: String, innerBox: PDFRect?, outer: String, outerBox: PDFRect)] = [
                ("BleedBox", page.bleedBox, "MediaBox", media),
                ("CropBox", page.cropBox, "MediaBox", media),
            ]
            let finished = page.trimBox != nil ? ("TrimBox", page.trimBox) : ("ArtBox", page.artBox)
            pairs.append((finished.0, finished.1, page.bleedBox != nil ? "BleedBox" : "MediaBox", page.bleedBox ?? media))
            return pairs.compactMap { pair in
                guard let inner = pair.innerBox, !pair.outerBox.contains(inner) else { return nil }
                return finding(context, page: page.number,
                               Message("boxes.nesting", ["page": .count(page.number), "inner": .text(pair.inner), "innerBox": .text("\(inner)"),
                                                         "outer": .text(pair.outer), "outerBox": .text("\(pair.outerBox)")]),
                               measured: "\(pair.inner) \(inner)", expected: "inside \(pair.outer) \(pair.outerBox)", bbox: inner)
            }
        }
    }
}
