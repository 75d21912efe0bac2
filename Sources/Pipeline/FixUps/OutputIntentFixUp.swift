/// pdfx.output_intent: a file without a GTS_PDFX output intent gets one carrying the output profile, so a
/// RIP (and a later PDF/X check) knows the printing condition the colour was made for.
struct OutputIntentFixUp {
    let profile: OutputProfile

    func apply(to file: QPDFFile, structure: PDFStructure) -> AppliedFix? {
        guard !structure.outputIntents.contains(where: { $0.subtype == "GTS_PDFX" }) else { return nil }
        let stream = file.newStream(bytes: profile.data, dictionary: "<< /N 4 >>")
        let intent = file.parse("<< /Type /OutputIntent /S /GTS_PDFX /OutputConditionIdentifier (Custom) "
                                + "/RegistryName (http://www.color.org) >>")
        intent.setText("OutputCondition", to: profile.name)
        intent.setText("Info", to: profile.name)
        intent.set("DestOutputProfile", to: stream)
        let root = file.root
        let intents = file.newArray((root["OutputIntents"]?.items ?? []) + [file.makeIndirect(intent)])
        root.set("OutputIntents", to: intents)
        let before = structure.outputIntents.isEmpty ? "no output intent" : structure.outputIntents.map(\.subtype).joined(separator: ", ")
        return AppliedFix(.pdfxOutputIntent, Message("fix.pdfx.output_intent", ["profile": .text(profile.name)]),
                          before: before, after: "GTS_PDFX: \(profile.name)")
    }
}
