/// page.size: each page's trim (TrimBox, else ArtBox, CropBox, MediaBox) is the ordered trim size, within
/// the tolerance; the other orientation counts when the profile allows rotated sizes.
struct PageSizeCheck: PreflightCheck {
    let id = "page.size"

    func findings(in context: PreflightContext) -> [Finding] {
        guard let trim = context.product.trim else { return [] }
        let thresholds = context.profile.thresholds
        let tolerance = Length.millimetres(thresholds.sizeToleranceMm).points
        let expected = mmSize(trim.width.points, trim.height.points)
        return context.structure.pages.compactMap { page in
            guard let box = page.effectiveTrimBox else { return nil }
            // /Rotate turns the page as shown; the size as printed is the box, whichever way round.
            func matches(_ width: Double, _ height: Double) -> Bool {
                abs(box.width - width) <= tolerance && abs(box.height - height) <= tolerance
            }
            if matches(trim.width.points, trim.height.points) { return nil }
            if thresholds.allowsRotatedSize && matches(trim.height.points, trim.width.points) { return nil }
            let measured = mmSize(box.width, box.height)
            let source = page.trimBox != nil ? "TrimBox" : page.artBox != nil ? "ArtBox" : page.cropBox != nil ? "CropBox" : "MediaBox"
            return finding(context, page: page.number,
                           Message("page.size", ["page": .count(page.number), "widthMm": .mm(box.width), "heightMm": .mm(box.height), "box": .text(source),
                                                 "orderedWidthMm": .mm(trim.width.points), "orderedHeightMm": .mm(trim.height.points)]),
                           measured: measured, expected: expected, bbox: box)
        }
    }
}
