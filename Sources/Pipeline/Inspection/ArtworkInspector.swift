/// Opens an artwork file and measures it. Runs inside a worker process: a damaged PDF may crash Poppler.
public struct ArtworkInspector: Sendable {
    public init() {}

    public func inspect(fileAt path: String) throws(ArtworkError) -> ArtworkInspection {
        let kind: ArtworkKind?
        do {
            kind = try ArtworkKind.sniff(fileAt: path)
        } catch {
            throw .missing(path: path)
        }
        switch kind {
        case nil:
            throw .unsupportedType(path: path)
        case .pdf:
            let document = try PDFDocument(path: path)
            let sizes = (0..<document.pageCount).compactMap { index in
                document.page(at: index).map { ArtworkInspection.PageSize(widthPt: $0.size.width, heightPt: $0.size.height) }
            }
            return ArtworkInspection(kind: .pdf, pageCount: document.pageCount, pageSizes: sizes)
        case .some(let raster):
            return ArtworkInspection(kind: raster, pageCount: 1, pageSizes: [])
        }
    }
}
