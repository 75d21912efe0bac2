/// boxes.mediabox_origin: the MediaBox does not start at 0,0, which trips some RIPs and imposition tools.
struct MediaBoxOriginCheck: PreflightCheck {
    let id = "boxes.mediabox_origin"

    func findings(in context: PreflightContext) -> [Finding] {
        context.structure.pages.compactMap { page in
            guard let media = page.mediaBox, abs(media.x0) > 0.01 || abs(media.y0) > 0.01 else { return nil }
            return finding(context, page: page.number, "Page \(page.number): the MediaBox \(media) does not start at 0,0",
                           measured: "\(media)", expected: "origin 0,0", bbox: media)
        }
    }
}
