/// pdf.annotations: annotations (comments, links, stamps) inside the trim; they may print or hide artwork.
/// Printer's marks and trap networks are print furniture and do not count.
struct AnnotationsCheck: PreflightCheck {
    let id = "pdf.annotations"

    func findings(in context: PreflightContext) -> [Finding] {
        context.structure.pages.flatMap { page in
            page.annotations.filter { annotation in
                guard !["PrinterMark", "TrapNet", "Popup"].contains(annotation.subtype) else { return false }
                guard let rect = annotation.rect, let trim = page.effectiveTrimBox else { return true }
                return rect.intersection(trim) != nil
            }.map { annotation in
                finding(context, page: page.number, Message("pdf.annotations", ["page": .count(page.number), "subtype": .text(annotation.subtype)]),
                        measured: annotation.subtype, expected: "no annotations", bbox: annotation.rect)
            }
        }
    }
}

/// pdf.forms: interactive form fields (AcroForm); their appearance may not print as seen on screen.
struct FormsCheck: PreflightCheck {
    let id = "pdf.forms"
    let defaultSeverity = Finding.Severity.info

    func findings(in context: PreflightContext) -> [Finding] {
        guard context.structure.hasAcroForm else { return [] }
        return [finding(context, Message("pdf.forms"),
                        measured: "AcroForm", expected: "no form fields")]
    }
}

/// pdf.javascript: document JavaScript; it has no place in a print file.
struct JavaScriptCheck: PreflightCheck {
    let id = "pdf.javascript"

    func findings(in context: PreflightContext) -> [Finding] {
        guard context.structure.hasJavaScript else { return [] }
        return [finding(context, Message("pdf.javascript"), measured: "JavaScript", expected: "none")]
    }
}
