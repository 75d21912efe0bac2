/// raster.resolution: an image file's effective resolution when scaled to cover the ordered trim plus bleed
/// (or, without an order, the resolution it declares).
struct RasterResolutionCheck: PreflightCheck {
    let id = "raster.resolution"

    func findings(in context: PreflightContext) -> [Finding] {
        guard let raster = context.raster, let ppi = context.rasterEffectivePPI else { return [] }
        let thresholds = context.profile.thresholds
        guard let (severity, threshold) = thresholds.resolutionGrade(ppi) else { return [] }
        let placed = context.rasterPlacement.map { " printed at \(mmSize($0.width, $0.height))" } ?? ""
        return [Finding(check: id, severity: context.profile.severities[id] ?? severity, page: 1,
                        message: "The image has \(raster.displayedWidthPx) x \(raster.displayedHeightPx) px: \(Int(ppi.rounded())) ppi\(placed); it will print soft below \(Int(thresholds.warningImagePPI)) ppi",
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
                        "The image is \(raster.displayedWidthPx) x \(raster.displayedHeightPx) px; to cover \(mmSize(placed.width, placed.height)) about \(Int((cropped * 100).rounded()))% of it is cut off",
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
            return [Finding(check: id, severity: .info, page: 1, message: "The image is grayscale", measured: "gray")]
        case .rgb, .indexed, .unknown:
            return [finding(context, page: 1, "The image is \(raster.colourMode.rawValue.uppercased()); a press prints CMYK, so its colours change in print",
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
        return [finding(context, page: 1, "The image has transparency (an alpha channel); transparent areas print as white paper",
                        measured: "alpha", expected: "no alpha")]
    }
}

/// raster.orientation: the image is stored turned and relies on its EXIF orientation to show upright.
struct RasterOrientationCheck: PreflightCheck {
    let id = "raster.orientation"
    let defaultSeverity = Finding.Severity.warning

    func findings(in context: PreflightContext) -> [Finding] {
        guard let raster = context.raster, raster.orientation != 1 else { return [] }
        return [finding(context, page: 1, "The image is stored turned (EXIF orientation \(raster.orientation)); it is placed as it displays",
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
