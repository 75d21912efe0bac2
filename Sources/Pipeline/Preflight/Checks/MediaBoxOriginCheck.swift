/// boxes.mediabox_origin: the MediaBox does not start at 0,0, which trips some RIPs and imposition tools.
struct MediaBoxOriginCheck: PreflightCheck {
    let id = "boxes.mediabox_origin"

    func findings(in context: PreflightContext) -> [Finding] {
        context.structure.pages.compactMap { page in
            guard let media = page.mediaBox, abs(media.x0) > 0.01 || abs(media.y0) > 0.01 else { return nil }
            return finding(context, page: page.number, Message("boxes.mediabox_origin", ["page": .count(page.number), "box": .text("\(media)")]),
                           measured: "\(media)", expected: "origin 0,0", bbox: media)
        }
    }
}
