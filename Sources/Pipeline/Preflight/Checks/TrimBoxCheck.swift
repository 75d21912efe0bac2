/// boxes.trim_missing: the page has neither TrimBox nor ArtBox, so the finished size is a guess.
struct TrimMissingCheck: PreflightCheck {
    let id = "boxes.trim_missing"

    func findings(in context: PreflightContext) -> [Finding] {
        context.structure.pages.filter { $0.trimBox == nil && $0.artBox == nil }.map { page in
            finding(context, page: page.number,
                    Message("boxes.trim_missing", ["page": .count(page.number), "box": .text(page.cropBox != nil ? "CropBox" : "MediaBox")]),
                    measured: "none", expected: "TrimBox")
        }
    }
}

/// boxes.trim_and_art: both TrimBox and ArtBox are set; PDF/X allows only one.
struct TrimAndArtCheck: PreflightCheck {
    let id = "boxes.trim_and_art"

    func findings(in context: PreflightContext) -> [Finding] {
        context.structure.pages.filter { $0.trimBox != nil && $0.artBox != nil }.map { page in
            finding(context, page: page.number, Message("boxes.trim_and_art", ["page": .count(page.number)]),
                    measured: "TrimBox and ArtBox", expected: "TrimBox or ArtBox")
        }
    }
}
