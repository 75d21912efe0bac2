/// pdfx.output_intent: a PDF/X file names its printing condition in exactly one GTS_PDFX output intent,
/// with an identifier; for PDF/X-4 the intent embeds its profile.
struct OutputIntentCheck: PreflightCheck {
    let id = "pdfx.output_intent"

    func findings(in context: PreflightContext) -> [Finding] {
        guard context.profile.isPDFX || context.claimedPDFX != nil else { return [] }
        let intents = context.structure.outputIntents.filter { $0.subtype == "GTS_PDFX" }
        guard let intent = intents.first else {
            return [finding(context, Message("pdfx.output_intent.missing"),
                            measured: context.structure.outputIntents.map(\.subtype).joined(separator: ", ").nonEmpty ?? "none",
                            expected: "GTS_PDFX")]
        }
        guard intents.count == 1 else {
            let names = intents.map { $0.outputConditionIdentifier ?? "unnamed" }.joined(separator: ", ")
            return [finding(context, Message("pdfx.output_intent.several", ["count": .count(intents.count), "names": .text(names)]),
                            measured: "\(intents.count)", expected: "1")]
        }
        guard let identifier = intent.outputConditionIdentifier, !identifier.isEmpty else {
            return [finding(context, Message("pdfx.output_intent.unnamed"),
                            measured: "none", expected: "e.g. FOGRA39")]
        }
        if context.isPDFX4, !intent.hasProfile {
            return [finding(context, Message("pdfx.output_intent.no_profile", ["name": .text(identifier)]),
                            measured: "no DestOutputProfile", expected: "an embedded output profile")]
        }
        return []
    }
}

/// pdfx.conformance: what a PDF/X claim needs besides its version key: GTS_PDFXConformance for X-1a,
/// an XMP metadata stream for X-4.
struct PDFXConformanceCheck: PreflightCheck {
    let id = "pdfx.conformance"

    func findings(in context: PreflightContext) -> [Finding] {
        guard let claim = context.claimedPDFX else { return [] }
        if claim.contains("X-1a"), (context.structure.info["GTS_PDFXConformance"] ?? "").isEmpty {
            return [finding(context, Message("pdfx.conformance.level", ["claim": .text(claim)]),
                            measured: "no GTS_PDFXConformance", expected: "PDF/X-1a:2001 or PDF/X-1a:2003")]
        }
        if claim.contains("X-4"), !context.structure.hasMetadata {
            return [finding(context, Message("pdfx.conformance.metadata", ["claim": .text(claim)]),
                            measured: "no XMP metadata", expected: "XMP metadata stream")]
        }
        return []
    }
}

extension PreflightContext {
    /// Whether the file is judged as PDF/X-4: the profile, or the file's own claim.
    var isPDFX4: Bool { profile.name == PreflightProfile.pdfx4.name || claimedPDFX?.contains("X-4") == true }
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
        return [finding(context, Message("pdfx.version", ["version": .text(context.structure.version), "profile": .text(context.profile.name),
                                                         "maximum": .text(maximum)]),
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
        return [finding(context, Message("pdfx.info", ["missing": .text(missing.joined(separator: ", "))]),
                        measured: "missing \(missing.joined(separator: ", "))", expected: "Title, ModDate, Trapped, GTS_PDFXVersion")]
    }
}

/// pdf.document_id: the trailer has no /ID; PDF/X requires one and workflows use it to tell files apart.
struct DocumentIDCheck: PreflightCheck {
    let id = "pdf.document_id"

    func findings(in context: PreflightContext) -> [Finding] {
        guard !context.structure.hasDocumentID else { return [] }
        return [finding(context, Message("pdf.document_id"), measured: "none", expected: "/ID")]
    }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}
