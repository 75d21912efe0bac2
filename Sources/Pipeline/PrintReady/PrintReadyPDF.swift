import Foundation

/// Makes a PDF print-ready without re-rendering it: the content streams, fonts, images and colour spaces
/// stay as the customer made them; only page dictionaries change (TrimBox, BleedBox, MediaBox, CropBox,
/// /Rotate) and, when asked, crop marks are added as a new content stream in the registration colour.
public struct PrintReadyPDF: Sendable {
    public var product: ProductSpec
    public var settings: PrintReadySettings

    public init(product: ProductSpec, settings: PrintReadySettings = PrintReadySettings()) {
        self.product = product
        self.settings = settings
    }

    /// The boxes a page gets.
    public struct PageBoxes: Sendable, Hashable {
        public var trimBox: PDFRect
        public var bleedBox: PDFRect
        public var mediaBox: PDFRect
        public var rotation: Int
    }

    /// TrimBox: the ordered trim (in the page's orientation) centred on the existing TrimBox, else on the
    /// visible page; without an order, the page's own trim. BleedBox: trim plus the ordered bleed, clipped to
    /// what the artwork has (the MediaBox); without an ordered bleed, the customer's own BleedBox is kept.
    /// MediaBox: at least the BleedBox, plus a slug for marks.
    public func boxes(for page: PageStructure) -> PageBoxes? {
        guard let media = page.mediaBox, let current = page.effectiveTrimBox else { return nil }
        var trim = current
        if let ordered = product.trim {
            var (width, height) = (ordered.width.points, ordered.height.points)
            // Keep the page's orientation: a landscape page ordered as portrait is the same product turned.
            if (current.width > current.height) != (width > height) && abs(current.width - current.height) > 0.01 {
                swap(&width, &height)
            }
            let centre = page.trimBox ?? page.visibleBox ?? media
            let x = (centre.x0 + centre.x1) / 2, y = (centre.y0 + centre.y1) / 2
            trim = PDFRect(x0: x - width / 2, y0: y - height / 2, x1: x + width / 2, y1: y + height / 2)
        }
        let bleedBox: PDFRect
        if let bleed = product.bleed?.points {
            bleedBox = trim.expanded(by: bleed).intersection(media) ?? trim
        } else {
            bleedBox = page.bleedBox.flatMap { $0.intersection(media) }.map { $0.union(trim) } ?? trim
        }
        var mediaBox = media
        if settings.marks == .crop {
            let withSlug = bleedBox.expanded(by: PrintReadySettings.slug)
            mediaBox = PDFRect(x0: min(media.x0, withSlug.x0), y0: min(media.y0, withSlug.y0),
                               x1: max(media.x1, withSlug.x1), y1: max(media.y1, withSlug.y1))
        }
        return PageBoxes(trimBox: trim, bleedBox: bleedBox, mediaBox: mediaBox, rotation: page.rotation)
    }

    public func write(pdfAt input: String, to output: String) throws(PrintReadyError) {
        let structure: PDFStructure
        let file: QPDFFile
        do {
            // Boxes only: the content is copied, not judged, so it is not walked.
            structure = try PDFStructureReader(readsContent: false).read(fileAt: input)
            file = try QPDFFile(path: input)
        } catch {
            throw .qpdf(stage: "read", message: error.description)
        }
        let rewriter = PageRewriter(file: file)
        let dieline = product.dielineName.map { DielineLayer(name: $0, file: file, structure: structure) }
        for page in structure.pages {
            guard let boxes = boxes(for: page), var layout = PageLayout(page) else {
                throw .qpdf(stage: "read", message: "page \(page.number) has no MediaBox")
            }
            // Only what differs is written: a page whose boxes are right keeps its dictionary as it was.
            layout.mediaBox = boxes.mediaBox
            layout.bleedBox = boxes.bleedBox
            layout.trimBox = boxes.trimBox
            layout.cropBox = nil
            // A MediaBox grown for marks past the origin: the page moves instead.
            layout.moveToPositiveOrigin()
            let object = file.page(at: page.number - 1)
            guard rewriter.write(layout, to: object) else { throw .qpdf(stage: "read", message: "page \(page.number)'s content cannot be read") }
            if page.artBox != nil { object.removeKey("ArtBox") }
            if boxes.rotation == 0 {
                if object["Rotate"] != nil { object.removeKey("Rotate") }
            } else if page.rotation != Int(object["Rotate"]?.number ?? -1) {
                object.setInteger("Rotate", to: boxes.rotation)
            }
            if settings.marks == .crop, let trim = layout.trimBox, let bleed = layout.bleedBox {
                addCropMarks(to: object, file: file, trim: trim, bleed: bleed)
            }
            if let dieline, let trim = layout.trimBox {
                dieline.draw(CutShape(product: product, trim: trim), on: object)
            }
        }
        try file.write(to: output, minimumVersion: dieline?.minimumVersion)
    }

    /// Crop marks at the trim lines, outside the BleedBox, 0.25 pt, in Separation /All: a Form XObject with
    /// its own Resources, named in a Resources dictionary of this page's own (a shared one is not changed).
    /// The page's own content is wrapped in q ... Q so that no graphics state it leaves behind reaches the marks.
    private func addCropMarks(to page: QPDFObject, file: QPDFFile, trim: PDFRect, bleed: PDFRect) {
        let offset = PrintReadySettings.markOffset, length = PrintReadySettings.markLength
        var lines: [String] = []
        func line(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) {
            lines.append(String(format: "%.3f %.3f m %.3f %.3f l S", x0, y0, x1, y1))
        }
        for x in [trim.x0, trim.x1] {
            line(x, bleed.y0 - offset, x, bleed.y0 - offset - length)
            line(x, bleed.y1 + offset, x, bleed.y1 + offset + length)
        }
        for y in [trim.y0, trim.y1] {
            line(bleed.x0 - offset, y, bleed.x0 - offset - length, y)
            line(bleed.x1 + offset, y, bleed.x1 + offset + length, y)
        }
        let drawing = "/HFARegistration CS 1 SCN \(PrintReadySettings.markWidth) w 0 J [] 0 d\n" + lines.joined(separator: "\n") + "\n"
        let media = PDFRect(page["MediaBox"]?.numbers) ?? bleed.expanded(by: PrintReadySettings.slug)
        let form = file.newStream(bytes: Data(drawing.utf8), dictionary: "<< /Type /XObject /Subtype /Form /BBox \(media.pdfArray) "
            + "/Resources << /ColorSpace << /HFARegistration [/Separation /All /DeviceCMYK "
            + "<< /FunctionType 2 /Domain [0 1] /C0 [0 0 0 0] /C1 [1 1 1 1] /N 1 >>] >> >> >>")
        PageRewriter(file: file).drawOnTop(form, named: "HFAMarks", on: page)
    }

    /// A copy of the PDF without CropBoxes, so that renderers show the whole bleed area.
    static func removingCropBoxes(from input: String, to output: String) throws(PrintReadyError) {
        let file: QPDFFile
        do { file = try QPDFFile(path: input) } catch { throw .qpdf(stage: "read", message: error.description) }
        for index in 0..<max(0, file.pageCount) {
            let page = file.page(at: index)
            page.removeKey("CropBox")
            page["Parent"]?.removeKey("CropBox")
        }
        try file.write(to: output)
    }
}
