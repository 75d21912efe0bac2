import Foundation

/// The cut line in a print-ready PDF, as cutters and RIPs expect it: stroked in a spot colour of its own
/// (CutContour unless the order names another), overprinting so it knocks nothing out, in a Form XObject
/// on an optional content group of the same name, so a RIP can leave the layer out while the cutter's
/// software finds the separation. Optional content needs PDF 1.5: an older file is raised to 1.5 (its
/// header only), except a PDF/X-1a or X-3 file, whose standard forbids both, where the separation alone
/// carries the line.
final class DielineLayer {
    let name: String
    private let file: QPDFFile
    /// Whether the line sits on an optional content group.
    let usesOptionalContent: Bool
    /// The version the written file must declare at least; nil: its own.
    let minimumVersion: String?
    private lazy var group: QPDFObject = makeGroup()

    /// 0.25 pt, the hairline cutting plotters take as a cut path.
    static let lineWidth = 0.25

    init(name: String, file: QPDFFile, structure: PDFStructure) {
        self.name = name
        self.file = file
        let parts = structure.version.split(separator: ".").compactMap { Int($0) }
        let hasOptionalContent = (parts.first ?? 1, parts.count > 1 ? parts[1] : 0) >= (1, 5)
        usesOptionalContent = hasOptionalContent || structure.info["GTS_PDFXVersion"] == nil
        minimumVersion = usesOptionalContent && !hasOptionalContent ? "1.5" : nil
    }

    func draw(_ shape: CutShape, on page: QPDFObject) {
        let drawing = "/HFACut CS 1 SCN /HFAOverprint gs \(Self.lineWidth) w 0 J 0 j [] 0 d\n" + shape.pdfOperators + "\nS\n"
        let media = PDFRect(page["MediaBox"]?.numbers) ?? shape.bounds.expanded(by: 36)
        // The tint shows the line as 100% magenta on screens and proofs; the separation's name is what counts.
        let form = file.newStream(bytes: Data(drawing.utf8), dictionary: "<< /Type /XObject /Subtype /Form /BBox \(media.pdfArray) "
            + "/Resources << /ColorSpace << /HFACut [/Separation /\(Self.pdfName(name)) /DeviceCMYK "
            + "<< /FunctionType 2 /Domain [0 1] /C0 [0 0 0 0] /C1 [0 1 0 0] /N 1 >>] >> "
            + "/ExtGState << /HFAOverprint << /Type /ExtGState /OP true /op true /OPM 1 >> >> >> >>")
        if usesOptionalContent { form.set("OC", to: group) }
        PageRewriter(file: file).drawOnTop(form, named: "HFADieline", on: page)
    }

    /// One group for the file, listed in the catalog's /OCProperties (made when the file has none), on by
    /// default and when printing.
    private func makeGroup() -> QPDFObject {
        let group = file.makeIndirect(file.parse("<< /Type /OCG /Name (\(name)) /Intent /View "
                                                 + "/Usage << /Print << /PrintState /ON >> /View << /ViewState /ON >> >> >>"))
        let root = file.root
        let properties = root["OCProperties"] ?? {
            let made = file.parse("<< /OCGs [] /D << /Order [] /ON [] >> >>")
            root.set("OCProperties", to: made)
            return made
        }()
        properties["OCGs"]?.append(group)
        if let defaults = properties["D"] {
            defaults["Order"]?.append(group)
            // Groups not listed in /OFF are on under the default /BaseState /ON; /ON lists it when present.
            defaults["ON"]?.append(group)
        }
        return group
    }

    /// A PDF name token: characters outside the regular set written #xx.
    static func pdfName(_ text: String) -> String {
        text.utf8.map { byte in
            let scalar = Unicode.Scalar(byte)
            return byte > 0x20 && byte < 0x7f && !"()<>[]{}/%#".unicodeScalars.contains(scalar)
                ? String(Character(scalar)) : String(format: "#%02X", byte)
        }.joined()
    }
}
