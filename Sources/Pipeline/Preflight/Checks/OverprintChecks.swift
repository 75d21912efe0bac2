/// color.overprint_white: white (no ink) objects set to overprint: the press prints what lies under them,
/// so they vanish. A classic from logos on coloured backgrounds.
struct OverprintWhiteCheck: PreflightCheck {
    let id = "color.overprint_white"

    func findings(in context: PreflightContext) -> [Finding] {
        context.structure.pages.compactMap { page in
            let objects = page.content.overprintedWhite
            guard !objects.isEmpty else { return nil }
            return finding(context, page: page.number,
                           Message("color.overprint_white", ["page": .count(page.number), "count": .count(objects.count)]),
                           measured: "white with overprint", expected: "white knocks out", bbox: objects.compactMap { $0 }.first)
        }
    }
}

/// color.overprint_mode: for PDF/X-1a, CMYK objects that overprint with overprint mode 0, where their
/// zero components knock out the inks below instead of leaving them (what designers expect is mode 1).
struct OverprintModeCheck: PreflightCheck {
    let id = "color.overprint_mode"
    let defaultSeverity = Finding.Severity.warning

    func findings(in context: PreflightContext) -> [Finding] {
        guard context.profile.name == PreflightProfile.pdfx1a.name || context.claimedPDFX?.contains("X-1a") == true else { return [] }
        return context.structure.pages.compactMap { page in
            let objects = page.content.overprintModeZero
            guard !objects.isEmpty else { return nil }
            return finding(context, page: page.number,
                           Message("color.overprint_mode", ["page": .count(page.number)]),
                           measured: "OPM 0", expected: "OPM 1", bbox: objects.compactMap { $0 }.first)
        }
    }
}
