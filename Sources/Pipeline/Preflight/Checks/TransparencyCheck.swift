/// transparency: live transparency (opacity, soft masks, blend modes, transparency groups). PDF/X-1a
/// forbids it; elsewhere it is reported so the operator knows the RIP must flatten.
struct TransparencyCheck: PreflightCheck {
    let id = "transparency"
    let defaultSeverity = Finding.Severity.info

    func findings(in context: PreflightContext) -> [Finding] {
        context.structure.pages.compactMap { page in
            let uses = page.content.transparency
            guard !uses.isEmpty else { return nil }
            let reasons = uses.map(\.reason)
            return finding(context, page: page.number,
                           Message("transparency", ["page": .count(page.number),
                                                    "reasons": .text(reasons.prefix(5).joined(separator: ", ") + (reasons.count > 5 ? " and \(reasons.count - 5) more" : ""))]),
                           measured: reasons.first, expected: "no transparency", bbox: uses.compactMap(\.bbox).first)
        }
    }
}

/// pdf.external_refs: content that lives in another file (external streams, reference XObjects, actions
/// that open other files); the printer will not have it.
struct ExternalReferencesCheck: PreflightCheck {
    let id = "pdf.external_refs"
    let defaultSeverity = Finding.Severity.warning

    func findings(in context: PreflightContext) -> [Finding] {
        context.structure.pages.flatMap { page in
            page.content.externalReferences.map { reference in
                finding(context, page: page.number, Message("pdf.external_refs", ["page": .count(page.number), "reference": .text(reference)]),
                        measured: reference, expected: "self-contained file")
            }
        }
    }
}
