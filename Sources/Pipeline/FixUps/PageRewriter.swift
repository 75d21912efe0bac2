import Foundation

/// Writes a `PageLayout` into a page of a `QPDFFile`. The customer's content streams stay as they are,
/// byte for byte: a transform is a `cm` in a stream of its own before them, a mirrored bleed is the page
/// drawn again as a Form XObject, reflected and clipped into each strip beside the trim, so vectors,
/// text and images stay vectors, text and images. The page gets a Resources dictionary of its own for
/// that form; a Resources dictionary it shares with other pages is never changed.
struct PageRewriter {
    let file: QPDFFile

    /// False, with the page untouched, when its content cannot be read (a mirrored bleed needs it).
    func write(_ layout: PageLayout, to page: QPDFObject) -> Bool {
        if layout.changesContent {
            guard rewriteContent(of: page, for: layout) else { return false }
        }
        if layout.changesBoxes || layout.changesContent { writeBoxes(of: layout, to: page) }
        return true
    }

    private func writeBoxes(of layout: PageLayout, to page: QPDFObject) {
        page.setBox("MediaBox", to: layout.mediaBox)
        if let crop = layout.cropBox { page.setBox("CropBox", to: crop) } else { page.removeKey("CropBox") }
        if let trim = layout.trimBox {
            page.setBox("TrimBox", to: trim)
            page.removeKey("ArtBox")
        }
        if let bleed = layout.bleedBox { page.setBox("BleedBox", to: bleed) }
    }

    private func rewriteContent(of page: QPDFObject, for layout: PageLayout) -> Bool {
        var before = "q\n"
        if !layout.matrix.isIdentity { before += "\(layout.matrix.operands) cm\n" }
        var after = "\nQ\n"
        if layout.mirrorsBleed {
            guard let name = addArtworkForm(to: page, layout: layout) else { return false }
            after += mirroredCopies(of: name, layout: layout)
        }
        var contents = [file.newStream(before)]
        if let existing = page["Contents"] { contents += existing.isArray ? existing.items : [existing] }
        contents.append(file.newStream(after))
        page.set("Contents", to: file.newArray(contents))
        if !layout.matrix.isIdentity { moveAnnotations(of: page, by: layout.matrix) }
        return true
    }

    /// The page's content as a Form XObject in the page's own Resources (copied, so no other page sees
    /// the new entry); the name it has there.
    private func addArtworkForm(to page: QPDFObject, layout: PageLayout) -> String? {
        guard let content = page.pageContent() else { return nil }
        let resources = page.inherited("Resources").map(file.makeIndirect)
        let form = file.newStream(bytes: content, dictionary: "<< /Type /XObject /Subtype /Form /BBox \(layout.originalMediaBox.pdfArray) >>")
        if let resources { form.set("Resources", to: resources) }
        return add(form, named: "HFAArtwork", to: page)
    }

    /// Names `form` in a Resources dictionary of the page's own (a copy of what it had, so a dictionary
    /// shared with other pages is not changed), under `base` or, when taken, `base2`, `base3` ...
    func add(_ form: QPDFObject, named base: String, to page: QPDFObject) -> String {
        let resources = page.inherited("Resources")?.shallowCopy() ?? file.newDictionary()
        let forms = resources["XObject"]?.shallowCopy() ?? file.newDictionary()
        var name = base
        var suffix = 1
        while forms[name] != nil { suffix += 1; name = base + "\(suffix)" }
        forms.set(name, to: form)
        resources.set("XObject", to: forms)
        page.set("Resources", to: resources)
        return name
    }

    /// Draws `form` over the page's content, which is wrapped in q ... Q so that no graphics state it
    /// leaves behind reaches the form.
    func drawOnTop(_ form: QPDFObject, named base: String, on page: QPDFObject) {
        let name = add(form, named: base, to: page)
        var contents = [file.newStream("q\n")]
        if let existing = page["Contents"] { contents += existing.isArray ? existing.items : [existing] }
        contents.append(file.newStream("\nQ q /\(name) Do Q\n"))
        page.set("Contents", to: file.newArray(contents))
    }

    /// Eight copies of the artwork, each reflected across the trim edge (or corner) it lies beyond and
    /// clipped to its strip; only the trim area's content is reflected.
    private func mirroredCopies(of name: String, layout: PageLayout) -> String {
        let trim = layout.trim, area = layout.bleedBox ?? layout.mediaBox
        var lines: [String] = []
        for dx in [-1, 0, 1] {
            for dy in [-1, 0, 1] where dx != 0 || dy != 0 {
                let xs = dx < 0 ? (area.x0, trim.x0) : dx > 0 ? (trim.x1, area.x1) : (trim.x0, trim.x1)
                let ys = dy < 0 ? (area.y0, trim.y0) : dy > 0 ? (trim.y1, area.y1) : (trim.y0, trim.y1)
                // Each strip reaches a quarter point into the trim: renderers that anti-alias clip edges
                // would otherwise show a hairline seam where strip and page meet.
                let seam = 0.25
                let strip = PDFRect(x0: dx > 0 ? xs.0 - seam : xs.0, y0: dy > 0 ? ys.0 - seam : ys.0,
                                    x1: dx < 0 ? xs.1 + seam : xs.1, y1: dy < 0 ? ys.1 + seam : ys.1)
                guard !strip.isEmpty else { continue }
                let reflection = Matrix(a: dx == 0 ? 1 : -1, d: dy == 0 ? 1 : -1,
                                        e: dx < 0 ? 2 * trim.x0 : dx > 0 ? 2 * trim.x1 : 0,
                                        f: dy < 0 ? 2 * trim.y0 : dy > 0 ? 2 * trim.y1 : 0)
                lines.append("q \(strip.reOperands) re W n \(reflection.operands) cm \(trim.reOperands) re W n "
                             + "\(layout.matrix.operands) cm /\(name) Do Q")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Annotations sit in default user space: they move with the content.
    private func moveAnnotations(of page: QPDFObject, by matrix: Matrix) {
        for annotation in page["Annots"]?.items ?? [] {
            if let rect = PDFRect(annotation["Rect"]?.numbers) { annotation.setBox("Rect", to: rect.transformed(by: matrix)) }
        }
    }
}

extension PDFRect {
    /// "[x0 y0 x1 y1]" for a PDF dictionary.
    var pdfArray: String { "[\(Matrix.number(x0)) \(Matrix.number(y0)) \(Matrix.number(x1)) \(Matrix.number(y1))]" }
    /// "x y width height" for the `re` operator.
    var reOperands: String { "\(Matrix.number(x0)) \(Matrix.number(y0)) \(Matrix.number(width)) \(Matrix.number(height))" }
}
