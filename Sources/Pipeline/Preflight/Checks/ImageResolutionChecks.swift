/// images.low_resolution: an image's effective resolution at its placed size is below the minimum (error)
/// or below the warning level. Both values, the page and the image's box are in the finding.
struct LowImageResolutionCheck: PreflightCheck {
    let id = "images.low_resolution"

    func findings(in context: PreflightContext) -> [Finding] {
        let thresholds = context.profile.thresholds
        return context.structure.pages.flatMap { page in
            page.content.images.compactMap { image -> Finding? in
                guard let (severity, threshold) = thresholds.resolutionGrade(min(image.ppiX, image.ppiY)) else { return nil }
                return Finding(check: id, severity: context.profile.severities[id] ?? severity, page: page.number,
                               message: Message("images.low_resolution", ["image": .text(image.name), "page": .count(page.number),
                                                                          "ppi": .text(ppiValue(image)), "warningPpi": .number(thresholds.warningImagePPI.rounded(.down))]),
                               measured: ppiText(image),
                               expected: "≥ \(Int(threshold)) ppi",
                               bbox: image.bbox)
            }
        }
    }
}

/// images.over_resolution: far more pixels than print can use; the file is heavier and slower to RIP.
/// 1-bit line art is left out: it wants 1200 ppi and more.
struct HighImageResolutionCheck: PreflightCheck {
    let id = "images.over_resolution"
    let defaultSeverity = Finding.Severity.warning

    func findings(in context: PreflightContext) -> [Finding] {
        let maximum = context.profile.thresholds.maximumImagePPI
        return context.structure.pages.flatMap { page in
            page.content.images.filter { $0.bitsPerComponent > 1 && min($0.ppiX, $0.ppiY) > maximum }.map { image in
                finding(context, page: page.number,
                        Message("images.over_resolution", ["image": .text(image.name), "page": .count(page.number), "ppi": .text(ppiValue(image)),
                                                           "maximumPpi": .number(maximum.rounded(.down))]),
                        measured: ppiText(image), expected: "≤ \(Int(maximum)) ppi", bbox: image.bbox)
            }
        }
    }
}

private func ppiText(_ image: ContentFacts.PlacedImage) -> String { ppiValue(image) + " ppi" }

/// "300", or "300 x 280" when the two directions differ.
private func ppiValue(_ image: ContentFacts.PlacedImage) -> String {
    let x = Int(image.ppiX.rounded()), y = Int(image.ppiY.rounded())
    return x == y ? "\(x)" : "\(x) x \(y)"
}
