/// A page's geometry as the fix-ups change it: its boxes, the matrix its content is drawn through, and
/// whether its bleed is drawn by mirroring. Pure values; `PageRewriter` writes them into the PDF.
///
/// All boxes are in the page's new user space (after `matrix`).
struct PageLayout: Sendable, Equatable {
    let number: Int
    var mediaBox: PDFRect
    var cropBox: PDFRect?
    /// The page's own TrimBox (or ArtBox, which the rewrite turns into a TrimBox); nil when it has neither.
    var trimBox: PDFRect?
    var bleedBox: PDFRect?
    /// Maps the original content's user space to the new one.
    var matrix = Matrix.identity
    /// The strips between trim and BleedBox are filled with the trim area's own edges, mirrored.
    var mirrorsBleed = false

    private let original: Snapshot

    private struct Snapshot: Sendable, Equatable {
        var mediaBox: PDFRect, cropBox: PDFRect?, trimBox: PDFRect?, bleedBox: PDFRect?
    }

    init?(_ page: PageStructure) {
        guard let media = page.mediaBox else { return nil }
        number = page.number
        mediaBox = media
        cropBox = page.cropBox
        trimBox = page.trimBox ?? page.artBox
        bleedBox = page.bleedBox
        original = Snapshot(mediaBox: media, cropBox: cropBox, trimBox: trimBox, bleedBox: bleedBox)
    }

    /// What viewers show: the CropBox within the MediaBox, else the MediaBox.
    var visibleBox: PDFRect { cropBox.flatMap { $0.intersection(mediaBox) } ?? mediaBox }
    /// The finished page, by the rule preflight judges it with (`PageStructure.finishedBox`).
    var trim: PDFRect { PageStructure.finishedBox(trim: trimBox, art: nil, crop: cropBox, media: mediaBox) ?? mediaBox }
    /// Where artwork may be: the BleedBox within the MediaBox, else the MediaBox.
    var bleedArea: PDFRect { bleedBox.flatMap { $0.intersection(mediaBox) } ?? mediaBox }

    var changesContent: Bool { !matrix.isIdentity || mirrorsBleed }
    var changesBoxes: Bool {
        original != Snapshot(mediaBox: mediaBox, cropBox: cropBox, trimBox: trimBox, bleedBox: bleedBox)
    }
    var isChanged: Bool { changesContent || changesBoxes }
    /// The MediaBox the page came with, in the original content's space.
    var originalMediaBox: PDFRect { original.mediaBox }

    /// Moves the content and every box through `transform`.
    mutating func transform(by transform: Matrix) {
        matrix = matrix.then(transform)
        mediaBox = mediaBox.transformed(by: transform)
        cropBox = cropBox?.transformed(by: transform)
        trimBox = trimBox?.transformed(by: transform)
        bleedBox = bleedBox?.transformed(by: transform)
    }

    /// Grows the MediaBox to hold `box`; a CropBox that would hide part of it goes (the page shows all).
    mutating func grow(toHold box: PDFRect) {
        mediaBox = mediaBox.union(box)
        if let crop = cropBox, !crop.contains(box) { cropBox = nil }
    }

    /// A page moved so that no box has a negative origin: RIPs and imposition tools mishandle those.
    mutating func moveToPositiveOrigin() {
        guard isChanged, mediaBox.x0 < -0.001 || mediaBox.y0 < -0.001 else { return }
        transform(by: .translation(max(0, -mediaBox.x0), max(0, -mediaBox.y0)))
    }
}
