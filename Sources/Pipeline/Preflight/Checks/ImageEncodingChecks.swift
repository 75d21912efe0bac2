/// images.compression: JPEG 2000 (JPX) and JBIG2 images, which PDF/X-1a (PDF 1.3) does not allow and older
/// RIPs cannot decode.
struct ImageCompressionCheck: PreflightCheck {
    let id = "images.compression"

    func findings(in context: PreflightContext) -> [Finding] {
        context.structure.pages.compactMap { page in
            let images = page.content.imageFilters
            guard let first = images.first else { return nil }
            let kinds = Set(images.map { $0.filter == "JPXDecode" ? "JPEG 2000" : "JBIG2" }).sorted().joined(separator: " and ")
            return finding(context, page: page.number,
                           Message("images.compression", ["page": .count(page.number), "count": .count(images.count), "kinds": .text(kinds),
                                                          "image": .text(first.image)]),
                           measured: kinds, expected: "JPEG, Flate or no compression", bbox: first.bbox)
        }
    }
}

/// images.bit_depth: 16-bit images, which PDF/X-1a does not allow and which double the data for nothing on press.
struct ImageBitDepthCheck: PreflightCheck {
    let id = "images.bit_depth"

    func findings(in context: PreflightContext) -> [Finding] {
        context.structure.pages.compactMap { page in
            let deep = page.content.images.filter { $0.bitsPerComponent == 16 }
            guard let first = deep.first else { return nil }
            return finding(context, page: page.number,
                           Message("images.bit_depth", ["page": .count(page.number), "count": .count(deep.count), "image": .text(first.name)]),
                           measured: "16 bits per component", expected: "8 bits per component", bbox: first.bbox)
        }
    }
}
