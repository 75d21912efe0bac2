/// lines.hairline: strokes thinner than `min_line_width` as printed (after every transformation); a line
/// width of 0 is the thinnest the device can draw, invisible on a platesetter.
struct HairlineCheck: PreflightCheck {
    let id = "lines.hairline"
    let defaultSeverity = Finding.Severity.warning

    func findings(in context: PreflightContext) -> [Finding] {
        let limit = context.profile.thresholds.minimumLineWidth
        return context.structure.pages.compactMap { page in
            let thin = page.content.thinStrokes.filter { $0.width < limit - 0.0005 }
            guard let thinnest = thin.min(by: { $0.width < $1.width }) else { return nil }
            let width = thinnest.width == 0 ? "0 pt (a device hairline)" : "\(LengthUnit.point.format(thinnest.width)) pt"
            let params: [String: MessageParameter] = ["page": .count(page.number), "count": .count(thin.count), "limitPt": .number(limit),
                                                      "widthPt": .number(thinnest.width)]
            return finding(context, page: page.number, Message(thinnest.width == 0 ? "lines.hairline.zero" : "lines.hairline", params),
                           measured: width, expected: "≥ \(LengthUnit.point.format(limit)) pt", bbox: thinnest.bbox)
        }
    }
}

/// text.small: text smaller than `min_text_size` as printed.
struct SmallTextCheck: PreflightCheck {
    let id = "text.small"
    let defaultSeverity = Finding.Severity.warning

    func findings(in context: PreflightContext) -> [Finding] {
        let limit = context.profile.thresholds.minimumTextSize
        return context.structure.pages.compactMap { page in
            let small = page.content.smallText.filter { $0.size < limit - 0.005 }
            guard let smallest = small.min(by: { $0.size < $1.size }) else { return nil }
            let size = "\(LengthUnit.point.format(smallest.size)) pt"
            return finding(context, page: page.number,
                           Message("text.small", ["page": .count(page.number), "sizePt": .number(smallest.size), "limitPt": .number(limit)]),
                           measured: size, expected: "≥ \(LengthUnit.point.format(limit)) pt", bbox: smallest.bbox)
        }
    }
}

/// text.rich_black: text under 12 pt in four-colour black: the four plates never register exactly, so
/// small type gets coloured fringes. Small black text belongs in black (K) only.
struct RichBlackTextCheck: PreflightCheck {
    let id = "text.rich_black"
    let defaultSeverity = Finding.Severity.warning

    func findings(in context: PreflightContext) -> [Finding] {
        context.structure.pages.compactMap { page in
            let rich = page.content.smallText.filter(\.isRichBlack)
            guard let first = rich.first else { return nil }
            return finding(context, page: page.number,
                           Message("text.rich_black", ["page": .count(page.number)]),
                           measured: "four-colour black text", expected: "100% K", bbox: first.bbox)
        }
    }
}
