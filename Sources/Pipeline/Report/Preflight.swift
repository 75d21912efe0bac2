/// The preflight stage as it stands before the check catalogue lands: the file must open, and its page count
/// must match the order. Every outcome is a report, never a thrown error, so a bad file ends as
/// preflight_failed with a reason rather than as a crashed job.
public struct Preflight: Sendable {
    public var product: ProductSpec

    public init(product: ProductSpec) { self.product = product }

    public func run(fileAt path: String, fileName: String) -> PreflightReport {
        let inspection: ArtworkInspection
        do {
            inspection = try ArtworkInspector().inspect(fileAt: path)
        } catch {
            return PreflightReport(fileName: fileName, product: product, inspection: nil,
                                   findings: [Finding(check: error.checkID, severity: .error, message: error.description)])
        }
        var findings: [Finding] = []
        if let rule = product.pages, !rule.allows(inspection.pageCount) {
            findings.append(Finding(check: "pages.count", severity: .error,
                                    message: "The file has \(inspection.pageCount) page(s); the order asks for \(rule)",
                                    measured: String(inspection.pageCount), expected: rule.description))
        }
        return PreflightReport(fileName: fileName, product: product, inspection: inspection, findings: findings)
    }
}

extension ArtworkError {
    /// The stable check id a failure to open maps to.
    var checkID: String {
        switch self {
        case .encrypted: "file.encrypted"
        case .unsupportedType: "file.type_unsupported"
        case .missing, .unreadable: "file.unreadable"
        }
    }
}
