/// raster.resolution: an image file's effective resolution when scaled to cover the ordered trim plus bleed
/// (or, without an order, the resolution it declares).
struct RasterResolutionCheck: PreflightCheck {
    let id = "raster.resolution"

    func findings(in context: PreflightContext) -> [Finding] {
        guard let raster = context.raster, let ppi = context.rasterEffectivePPI else { return [] }
        let thresholds = context.profile.thresholds
        guard let (severity, threshold) = thresholds.resolutionGrade(ppi) else { return [] }
        var params: [String: MessageParameter] = ["widthPx": .count(raster.displayedWidthPx), "heightPx": .count(raster.displayedHeightPx),
                                                  "ppi": .number(ppi.rounded()), "warningPpi": .number(thresholds.warningImagePPI.rounded(.down))]
        if let placed = context.rasterPlacement { (params["widthMm"], params["heightMm"]) = (.mm(placed.width), .mm(placed.height)) }
        return [Finding(check: id, severity: context.profile.severities[id] ?? severity, page: 1,
                        message: Message(context.rasterPlacement == nil ? "raster.resolution" : "raster.resolution.placed", params),
                        measured: "\(Int(ppi.rounded())) ppi",
                        expected: "≥ \(Int(threshold)) ppi")]
    }
}

/// raster.pixel_size: the image's proportions differ from the ordered trim plus bleed, so covering the
/// page crops part of it (more than 2% of either side).
struct RasterPixelSizeCheck: PreflightCheck {
    let id = "raster.pixel_size"
    let defaultSeverity = Finding.Severity.warning

    func findings(in context: PreflightContext) -> [Finding] {
        guard let raster = context.raster, let placed = context.rasterPlacement else { return [] }
        let imageRatio = Double(raster.displayedWidthPx) / Double(raster.displayedHeightPx)
        let pageRatio = placed.width / placed.height
        let cropped = 1 - min(imageRatio, pageRatio) / max(imageRatio, pageRatio)
        guard cropped > 0.02 else { return [] }
        return [finding(context, page: 1,
                        Message("raster.pixel_size", ["widthPx": .count(raster.displayedWidthPx), "heightPx": .count(raster.displayedHeightPx),
                                                      "widthMm": .mm(placed.width), "heightMm": .mm(placed.height), "percent": .number((cropped * 100).rounded())]),
                        measured: "\(raster.displayedWidthPx) x \(raster.displayedHeightPx) px",
                        expected: "proportions of \(mmSize(placed.width, placed.height))")]
    }
}

/// raster.color_mode: RGB and indexed images must be converted for print; gray is reported as info.
struct RasterColourModeCheck: PreflightCheck {
    let id = "raster.color_mode"
    let defaultSeverity = Finding.Severity.warning

    func findings(in context: PreflightContext) -> [Finding] {
        guard let raster = context.raster else { return [] }
        switch raster.colourMode {
        case .cmyk:
            return []
        case .gray:
            return [Finding(check: id, severity: .info, page: 1, message: Message("raster.color_mode.gray"), measured: "gray")]
        case .rgb, .indexed, .unknown:
            return [finding(context, page: 1, Message("raster.color_mode", ["mode": .text(raster.colourMode.rawValue.uppercased())]),
                            measured: raster.colourMode.rawValue, expected: "cmyk")]
        }
    }
}

/// raster.alpha: an alpha channel is flattened onto white when printed; what is transparent on screen
/// prints as paper.
struct RasterAlphaCheck: PreflightCheck {
    let id = "raster.alpha"
    let defaultSeverity = Finding.Severity.warning

    func findings(in context: PreflightContext) -> [Finding] {
        guard let raster = context.raster, raster.hasAlpha else { return [] }
        return [finding(context, page: 1, Message("raster.alpha"),
                        measured: "alpha", expected: "no alpha")]
    }
}

/// raster.orientation: the image is stored turned and relies on its EXIF orientation to show upright.
struct RasterOrientationCheck: PreflightCheck {
    let id = "raster.orientation"
    let defaultSeverity = Finding.Severity.warning

    func findings(in context: PreflightContext) -> [Finding] {
        guard let raster = context.raster, raster.orientation != 1 else { return [] }
        return [finding(context, page: 1, Message("raster.orientation", ["orientation": .count(raster.orientation)]),
                        measured: "orientation \(raster.orientation)", expected: "orientation 1")]
    }
}

extension PreflightContext {
    /// The resolution an image file prints at: scaled to cover the ordered trim plus bleed, else as declared.
    var rasterEffectivePPI: Double? {
        guard let raster else { return nil }
        if let placed = rasterPlacement {
            let scale = max(placed.width / Double(raster.displayedWidthPx), placed.height / Double(raster.displayedHeightPx))
            return 72 / scale
        }
        guard let x = raster.ppiX, let y = raster.ppiY else { return nil }
        return min(x, y)
    }
}
