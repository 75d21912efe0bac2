/// fonts.not_embedded: a font the file uses is not embedded, standard-14 fonts included (the RIP would
/// substitute its own, and the text reflows or changes).
struct FontEmbeddingCheck: PreflightCheck {
    let id = "fonts.not_embedded"

    func findings(in context: PreflightContext) -> [Finding] {
        context.fonts.filter { !$0.isEmbedded && !$0.isType3 }.map { font in
            finding(context, page: font.firstPage, Message("fonts.not_embedded", ["font": .text(font.name), "type": .text(font.type)]),
                    measured: "not embedded", expected: "embedded")
        }
    }
}

/// fonts.type3: Type 3 fonts are drawn with PDF operators; they often print badly or slowly.
struct Type3FontCheck: PreflightCheck {
    let id = "fonts.type3"
    let defaultSeverity = Finding.Severity.warning

    func findings(in context: PreflightContext) -> [Finding] {
        context.fonts.filter(\.isType3).map { font in
            finding(context, page: font.firstPage, Message("fonts.type3", ["font": .text(font.name)]),
                    measured: "Type3", expected: "Type1, TrueType or OpenType")
        }
    }
}
