import Foundation

/// Everything the proof stage writes for one file: `page-N.png` per page, `thumbnail.png` (page 1, longest
/// side 300 px) and `proof.pdf`, the proof sheet.
public struct ProofSet: Sendable {
    public var pixelsPerInch: Double
    public var product: ProductSpec
    public var externalId: String?
    /// The customer's language, for the legend under each page (the proof sheet is the shop's, in English).
    public var catalogue: MessageCatalogue

    public init(pixelsPerInch: Double = 150, product: ProductSpec, externalId: String? = nil, catalogue: MessageCatalogue = .english) {
        self.pixelsPerInch = pixelsPerInch
        self.product = product
        self.externalId = externalId
        self.catalogue = catalogue
    }

    public static let thumbnailName = "thumbnail.png"
    public static let sheetName = "proof.pdf"

    /// Writes the proof files into `directory` (which must exist); returns the page image names.
    @discardableResult
    public func write(pdfAt path: String, fileName: String, report: PreflightReport?, into directory: URL) throws -> [String] {
        let findings = report?.findings ?? []
        let pages = try ProofRenderer(pixelsPerInch: pixelsPerInch, product: product, findings: findings, catalogue: catalogue)
            .renderPages(ofPDFAt: path, into: directory)
        if let first = pages.first {
            try ProofSheet.thumbnail(of: directory.appendingPathComponent(first).path,
                                     to: directory.appendingPathComponent(Self.thumbnailName).path)
        }
        var order: [String] = []
        if let externalId { order.append("Order: \(externalId)") }
        let facts = PreflightReport.ProductFacts(product)
        if let width = facts.trimWidthMm, let height = facts.trimHeightMm { order.append("Ordered trim: \(width) x \(height) mm") }
        if let bleed = facts.bleedMm { order.append("Bleed: \(bleed) mm") }
        if let safety = facts.safetyMm { order.append("Safety margin: \(safety) mm") }
        if let count = facts.pages { order.append("Pages ordered: \(count)") }
        if let finishing = facts.finishing { order.append("Finishing: " + finishing.joined(separator: ", ")) }
        if let page = report?.pages.first {
            order.append("Measured: \(report?.file.pages ?? 0) page(s), page 1 is \(LengthUnit.millimetre.format(page.widthPt)) x \(LengthUnit.millimetre.format(page.heightPt)) mm")
        }
        if let report { order.append("Preflight: \(report.result.rawValue.uppercased()) (\(report.errorCount) error(s), \(report.warningCount) warning(s))") }
        for fix in report?.fixes ?? [] { order.append("Fixed\(fix.page.map { " on page \($0)" } ?? ""): \(fix.message)") }
        try ProofSheet(title: "Proof: \(fileName)", orderLines: order, findings: findings,
                       pageImages: pages.map { directory.appendingPathComponent($0).path })
            .write(to: directory.appendingPathComponent(Self.sheetName).path)
        return pages
    }
}
