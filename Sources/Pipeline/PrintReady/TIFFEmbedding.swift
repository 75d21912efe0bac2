import Foundation

/// Puts a TIFF's own samples into the PDF that `RasterToPDF` laid out with Cairo, in place of the
/// placeholder image Cairo embedded: Cairo positions, scales, clips and mirrors, but can only write RGB,
/// and a CMYK TIFF must reach the press as CMYK.
enum TIFFEmbedding {
    static func embed(_ image: TIFFImage, inPDFAt path: String) throws(PrintReadyError) {
        let file: QPDFFile
        do { file = try QPDFFile(path: path) } catch { throw .unsupported("the page made from the TIFF cannot be reopened: \(error)") }
        var replaced = 0
        var visited = Set<Int>()
        func replaceImages(in resources: QPDFObject?, depth: Int) {
            guard let resources, depth < 8 else { return }
            for group in ["XObject", "Pattern"] {
                guard let objects = resources[group] else { continue }
                for key in objects.keys {
                    guard let object = objects[key], visited.insert(object.objectID).inserted || object.objectID == 0 else { continue }
                    if object["Subtype"]?.name == "Image", object["Width"]?.number == Double(image.width),
                       object["Height"]?.number == Double(image.height) {
                        object.replaceStreamData(image.samples, entries: [
                            "ColorSpace": "/" + image.colourSpace.rawValue, "BitsPerComponent": "8",
                        ], removing: ["Filter", "DecodeParms", "Decode", "SMask", "Mask", "Intent"])
                        replaced += 1
                    } else {
                        replaceImages(in: object["Resources"], depth: depth + 1)
                    }
                }
            }
        }
        replaceImages(in: file.page(at: 0).inherited("Resources"), depth: 0)
        guard replaced > 0 else { throw .unsupported("the page made from the TIFF has no image to fill") }
        let temporary = path + ".tiff.tmp"
        try file.write(to: temporary, recompressing: true)
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw .unsupported("the PDF made from the TIFF cannot be replaced (\(String(cString: strerror(code))))")
        }
    }
}
