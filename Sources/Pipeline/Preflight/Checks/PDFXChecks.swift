/// pdfx.output_intent: a PDF/X file names its printing condition in a GTS_PDFX output intent.
struct OutputIntentCheck: PreflightCheck {
    let id = "pdfx.output_intent"

    func findings(in context: PreflightContext) -> [Finding] {
        guard context.profile.isPDFX || context.claimedPDFX != nil else { return [] }
        guard let intent = context.structure.outputIntents.first(where: { $0.subtype == "GTS_PDFX" }) else {
            return [finding(context, "The file has no GTS_PDFX output intent (the printing condition it was made for)",
                            measured: context.structure.outputIntents.map(\.subtype).joined(separator: ", ").nonEmpty ?? "none",
                            expected: "GTS_PDFX")]
        }
        guard let identifier = intent.outputConditionIdentifier, !identifier.isEmpty else {
            return [finding(context, "The GTS_PDFX output intent has no OutputConditionIdentifier",
                            measured: "none", expected: "e.g. FOGRA39")]
        }
        return []
    }
}

/// pdfx.version: the PDF version is within what the profile (or the claimed PDF/X version) allows.
struct PDFVersionCheck: PreflightCheck {
    let id = "pdfx.version"

    func findings(in context: PreflightContext) -> [Finding] {
        var maximum = context.profile.maximumPDFVersion
        if context.claimedPDFX?.contains("X-1a:2001") == true || context.claimedPDFX?.contains("X-3:2002") == true {
            maximum = "1.3"
        }
        guard let maximum, Self.number(context.structure.version) > Self.number(maximum) else { return [] }
        return [finding(context, "The file is PDF \(context.structure.version); \(context.profile.name) allows at most PDF \(maximum)",
                        measured: context.structure.version, expected: "≤ \(maximum)")]
    }

    static func number(_ version: String) -> Double { Double(version.prefix(3)) ?? 0 }
}

/// pdfx.info: PDF/X requires Title, ModDate, Trapped (True or False) and GTS_PDFXVersion in the Info dictionary.
struct PDFXInfoCheck: PreflightCheck {
    let id = "pdfx.info"

    func findings(in context: PreflightContext) -> [Finding] {
        guard context.profile.isPDFX || context.claimedPDFX != nil else { return [] }
        let info = context.structure.info
        var missing = ["Title", "ModDate", "GTS_PDFXVersion"].filter { (info[$0] ?? "").isEmpty }
        if !["True", "False"].contains(info["Trapped"] ?? "") { missing.append("Trapped (True or False)") }
        guard !missing.isEmpty else { return [] }
        return [finding(context, "The document information lacks \(missing.joined(separator: ", ")), which PDF/X requires",
                        measured: "missing \(missing.joined(separator: ", "))", expected: "Title, ModDate, Trapped, GTS_PDFXVersion")]
    }
}

/// pdf.document_id: the trailer has no /ID; PDF/X requires one and workflows use it to tell files apart.
struct DocumentIDCheck: PreflightCheck {
    let id = "pdf.document_id"

    func findings(in context: PreflightContext) -> [Finding] {
        guard !context.structure.hasDocumentID else { return [] }
        return [finding(context, "The file has no document ID (trailer /ID)", measured: "none", expected: "/ID")]
    }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}
