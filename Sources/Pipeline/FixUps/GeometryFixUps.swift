/// The fix-ups that change a page's geometry: trim.infer, size.fit, bleed.mirror and bleed.scale. Each
/// looks at one page's layout, changes it when it applies, and says what it did; none touches the PDF.
struct GeometryFixUps: Sendable {
    let product: ProductSpec
    let settings: FixUpSettings

    private var tolerance: Double { Length.millimetres(settings.sizeToleranceMm).points }
    private var bleed: Double { product.bleed?.points ?? 0 }

    /// Runs the chosen geometry fix-ups on `layout` in their running order.
    func apply(to layout: inout PageLayout) -> [AppliedFix] {
        var fixes: [AppliedFix] = []
        for id in FixUpID.runningOrder where settings.includes(id) {
            let fix: AppliedFix? = switch id {
            case .trimInfer: inferTrim(&layout)
            case .sizeFit: fitSize(&layout)
            case .bleedMirror: mirrorBleed(&layout)
            case .bleedScale: scaleBleed(&layout)
            case .colorCMYK, .pdfxOutputIntent: nil
            }
            if let fix { fixes.append(fix) }
        }
        layout.moveToPositiveOrigin()
        return fixes
    }

    /// The ordered size in the orientation of `box` when turned sizes are allowed, else as ordered.
    private func orderedSize(like box: PDFRect) -> (width: Double, height: Double)? {
        guard let trim = product.trim else { return nil }
        let (width, height) = (trim.width.points, trim.height.points)
        if settings.allowsRotated && (box.width > box.height) != (width > height) { return (height, width) }
        return (width, height)
    }

    private func matches(_ box: PDFRect, _ width: Double, _ height: Double) -> Bool {
        abs(box.width - width) <= tolerance && abs(box.height - height) <= tolerance
    }

    // MARK: trim.infer

    /// A page without TrimBox or ArtBox: the ordered trim plus bleed gets a centred TrimBox and a BleedBox
    /// of the page; the ordered trim exactly gets TrimBox = page.
    func inferTrim(_ layout: inout PageLayout) -> AppliedFix? {
        guard layout.trimBox == nil, let (width, height) = orderedSize(like: layout.visibleBox) else { return nil }
        let page = layout.visibleBox
        let before = "no TrimBox; page \(mmSize(page.width, page.height))"
        if bleed > 0 && matches(page, width + 2 * bleed, height + 2 * bleed) {
            layout.trimBox = page.centred(width: width, height: height)
            layout.bleedBox = page
            return AppliedFix(.trimInfer, page: layout.number,
                              Message("fix.trim.infer.centred", ["widthMm": .mm(width), "heightMm": .mm(height), "bleedMm": .mm(bleed)]),
                              before: before, after: "TrimBox \(mmSize(width, height)), BleedBox \(mmSize(page.width, page.height))")
        }
        if matches(page, width, height) {
            layout.trimBox = page
            return AppliedFix(.trimInfer, page: layout.number,
                              Message(bleed > 0 ? "fix.trim.infer.page_without_bleed" : "fix.trim.infer.page", ["widthMm": .mm(width), "heightMm": .mm(height)]),
                              before: before, after: "TrimBox \(mmSize(page.width, page.height))")
        }
        return nil
    }

    // MARK: size.fit

    /// Artwork in the ordered proportions but another size: scaled (and turned, when turned sizes are not
    /// allowed) so its trim becomes the ordered trim; its bleed is scaled with it.
    func fitSize(_ layout: inout PageLayout) -> AppliedFix? {
        guard let ordered = product.trim else { return nil }
        let trim = layout.trim
        let (width, height) = (ordered.width.points, ordered.height.points)
        if matches(trim, width, height) || (settings.allowsRotated && matches(trim, height, width)) { return nil }
        let square = abs(width - height) < 0.01 || abs(trim.width - trim.height) < 0.01
        let turn = !settings.allowsRotated && !square && (trim.width > trim.height) != (width > height)
        let (target, source) = (orderedSize(like: turn ? trim.turned : trim) ?? (width, height),
                                turn ? (trim.height, trim.width) : (trim.width, trim.height))
        let proportion = (source.0 / source.1) / (target.width / target.height)
        guard abs(proportion - 1) <= settings.fitTolerance else { return nil }
        // Cover the trim: a proportion a little off is cut at the edges, never left white.
        let factor = max(target.width / source.0, target.height / source.1)
        let (x, y) = trim.centre
        layout.transform(by: .about(x, y, (turn ? Matrix.quarterTurn : .identity).then(.scale(factor))))
        layout.trimBox = layout.trim.centred(width: target.width, height: target.height)
        if layout.bleedBox == nil { layout.bleedBox = layout.mediaBox }
        return AppliedFix(.sizeFit, page: layout.number,
                          Message(turn ? "fix.size.fit.turned" : "fix.size.fit",
                                  ["fromWidthMm": .mm(trim.width), "fromHeightMm": .mm(trim.height), "widthMm": .mm(target.width),
                                   "heightMm": .mm(target.height), "percent": .number(factor * 100)]),
                          before: mmSize(trim.width, trim.height), after: mmSize(target.width, target.height))
    }

    // MARK: bleed.mirror, bleed.scale

    /// How much bleed the page has now, when it has less than the order needs.
    private func missingBleed(_ layout: PageLayout) -> Double? {
        guard bleed > 0 else { return nil }
        let margin = layout.trim.smallestMargin(within: layout.bleedArea)
        return margin < bleed - Length.millimetres(settings.bleedToleranceMm).points ? max(0, margin) : nil
    }

    /// Artwork that stops at the trim gets the ordered bleed from its own edges, mirrored outwards.
    func mirrorBleed(_ layout: inout PageLayout) -> AppliedFix? {
        guard let had = missingBleed(layout) else { return nil }
        let area = layout.trim.expanded(by: bleed)
        layout.mirrorsBleed = true
        layout.bleedBox = area
        layout.grow(toHold: area)
        return AppliedFix(.bleedMirror, page: layout.number, Message("fix.bleed.mirror", ["bleedMm": .mm(bleed)]),
                          before: "\(mm(had)) of bleed", after: "\(mm(bleed)) of bleed")
    }

    /// Artwork that stops at the trim is enlarged about the trim's centre until it covers trim plus bleed.
    func scaleBleed(_ layout: inout PageLayout) -> AppliedFix? {
        guard let had = missingBleed(layout) else { return nil }
        let trim = layout.trim
        let covered = trim.expanded(by: had)
        let factor = max((trim.width + 2 * bleed) / covered.width, (trim.height + 2 * bleed) / covered.height)
        let (x, y) = trim.centre
        // The content grows; the trim stays where and what it is.
        layout.matrix = layout.matrix.then(.about(x, y, .scale(factor)))
        let area = trim.expanded(by: bleed)
        layout.bleedBox = area
        layout.grow(toHold: area)
        let percent = String(format: "%.1f", factor * 100)
        return AppliedFix(.bleedScale, page: layout.number,
                          Message("fix.bleed.scale", ["percent": .number((factor * 1000).rounded() / 10), "bleedMm": .mm(bleed)]),
                          before: "\(mm(had)) of bleed", after: "\(mm(bleed)) of bleed, scale \(percent)%")
    }
}

private extension PDFRect {
    /// The same rectangle a quarter turn round its centre.
    var turned: PDFRect { centred(width: height, height: width) }
}
