/// color.rgb: RGB anywhere in the content (rg/RG operators, DeviceRGB, CalRGB, ICCBased RGB in content,
/// images, shadings, patterns and forms). One finding per page, listing where.
struct RGBColourCheck: PreflightCheck {
    let id = "color.rgb"

    func findings(in context: PreflightContext) -> [Finding] {
        context.structure.pages.compactMap { page in
            let uses = page.content.colourUses.filter { $0.kind == .rgb || $0.kind == .iccRGB }
            guard !uses.isEmpty else { return nil }
            // Profiles that allow ICC-based RGB (PDF/X-4) still report it, as info.
            let onlyICC = uses.allSatisfy { $0.kind == .iccRGB }
            var finding = finding(context, page: page.number,
                                  Message("color.rgb", ["page": .count(page.number), "sources": .text(sources(uses))]),
                                  measured: onlyICC ? "ICC-based RGB" : "RGB", expected: "CMYK or spot colours",
                                  bbox: uses.compactMap(\.bbox).first)
            if onlyICC && context.profile.allowsICCRGB { finding.severity = .info }
            return finding
        }
    }
}

/// color.gray: gray is fine for print; reported so operators know a page is black-only.
struct GrayColourCheck: PreflightCheck {
    let id = "color.gray"
    let defaultSeverity = Finding.Severity.info

    func findings(in context: PreflightContext) -> [Finding] {
        context.structure.pages.compactMap { page in
            let uses = page.content.colourUses.filter { $0.kind == .gray }
            guard !uses.isEmpty else { return nil }
            return finding(context, page: page.number, Message("color.gray", ["page": .count(page.number), "sources": .text(sources(uses))]),
                           measured: "DeviceGray")
        }
    }
}

/// color.spot: spot colours (Separation) the press needs plates or inks for. One finding lists them all.
struct SpotColourCheck: PreflightCheck {
    let id = "color.spot"
    let defaultSeverity = Finding.Severity.info

    func findings(in context: PreflightContext) -> [Finding] {
        let names = context.spotColourNames
        guard !names.isEmpty else { return [] }
        return [finding(context, Message("color.spot", ["count": .count(names.count), "names": .text(names.joined(separator: ", "))]),
                        measured: names.joined(separator: ", "))]
    }
}

/// color.devicen: DeviceN colour spaces and their colourants.
struct DeviceNColourCheck: PreflightCheck {
    let id = "color.devicen"
    let defaultSeverity = Finding.Severity.info

    func findings(in context: PreflightContext) -> [Finding] {
        var colourants: [String] = []
        for page in context.structure.pages {
            for use in page.content.colourUses {
                if case .deviceN(let names) = use.kind { colourants += names.filter { !colourants.contains($0) } }
            }
        }
        guard !colourants.isEmpty else { return [] }
        return [finding(context, Message("color.devicen", ["names": .text(colourants.joined(separator: ", "))]),
                        measured: colourants.joined(separator: ", "))]
    }
}

/// color.registration: the registration colour (Separation /All) prints on every plate; in artwork it makes
/// a rich black that smears. It belongs to crop marks only.
struct RegistrationColourCheck: PreflightCheck {
    let id = "color.registration"
    let defaultSeverity = Finding.Severity.warning

    func findings(in context: PreflightContext) -> [Finding] {
        context.structure.pages.compactMap { page in
            let uses = page.content.colourUses.filter { $0.kind == .registration }
            guard !uses.isEmpty else { return nil }
            return finding(context, page: page.number,
                           Message("color.registration", ["page": .count(page.number), "sources": .text(sources(uses))]),
                           measured: "Separation All", expected: "CMYK or spot colours", bbox: uses.compactMap(\.bbox).first)
        }
    }
}

extension PreflightContext {
    /// Spot colour names in use: Separation names and DeviceN colourants other than the process colours.
    var spotColourNames: [String] {
        let process: Set<String> = ["Cyan", "Magenta", "Yellow", "Black", "None", "All"]
        var names: [String] = []
        for page in structure.pages {
            for use in page.content.colourUses {
                switch use.kind {
                // A Separation named Cyan, Magenta, Yellow or Black is that process plate, not a spot ink.
                case .spot(let name): if !process.contains(name) && !names.contains(name) { names.append(name) }
                case .deviceN(let colourants): names += colourants.filter { !process.contains($0) && !names.contains($0) }
                default: break
                }
            }
        }
        return names
    }
}

/// "fill colour (rg), image Im0 (DeviceRGB)", at most five named.
private func sources(_ uses: [ContentFacts.ColourUse]) -> String {
    let names = uses.map(\.source)
    return names.prefix(5).joined(separator: ", ") + (names.count > 5 ? " and \(names.count - 5) more" : "")
}
