import Foundation

extension PrintReadyPDF {
    /// Any artwork: a PDF directly; an image (JPEG, PNG, TIFF) laid out first as a PDF of trim plus bleed,
    /// then given its boxes like any PDF. For the command line; the worker reuses the PDF the proof stage
    /// already made from the image.
    public func write(artworkAt path: String, to output: String,
                      bleedGeneration: RasterToPDF.BleedGeneration = .none, colour: ArtworkFixer? = nil) throws(PrintReadyError) {
        let kind: ArtworkKind?
        do { kind = try ArtworkKind.sniff(fileAt: path) } catch { throw .unsupported("\(path) cannot be read") }
        guard let kind else { throw .unsupported("\(path) is not a PDF, JPEG, PNG or TIFF file") }
        guard kind != .pdf else { return try write(pdfAt: path, to: output) }
        let info: RasterInfo
        do { info = try RasterHeaderReader().read(fileAt: path, kind: kind) } catch { throw .unsupported(error.description) }
        let laidOut = output + ".image.pdf"
        defer { unlink(laidOut) }
        try RasterToPDF(product: product, bleedGeneration: bleedGeneration).write(imageAt: path, kind: kind, info: info, to: laidOut)
        let converted = output + ".cmyk.pdf"
        defer { unlink(converted) }
        try write(pdfAt: try RasterToPDF.convertingColour(of: laidOut, with: colour, to: converted), to: output)
    }
}
