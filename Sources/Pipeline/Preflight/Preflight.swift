import Foundation

/// Preflights one artwork file against the ordered product with a profile, and reports every finding.
///
/// Every outcome is a report, never a thrown error: a file that cannot be opened fails with a
/// file.unreadable or file.encrypted finding, so a bad file ends as preflight_failed with a reason.
/// Runs inside a worker process: Poppler and qpdf touch the customer's bytes here.
public struct Preflight: Sendable {
    public var product: ProductSpec
    public var profile: PreflightProfile

    public init(product: ProductSpec, profile: PreflightProfile = .basic) {
        self.product = product
        self.profile = profile
    }

    public func run(fileAt path: String, fileName: String, sha256: String? = nil) -> PreflightReport {
        run(fileAt: path, fileName: fileName, sha256: sha256, structure: nil)
    }

    /// As `run(fileAt:fileName:sha256:)`, with the structure already read from the same file (the fix-ups
    /// read it first; a file they leave alone is not read twice).
    func run(fileAt path: String, fileName: String, sha256: String?, structure known: PDFStructure?) -> PreflightReport {
        let started = ContinuousClock.now
        let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? 0
        var file = PreflightReport.FileFacts(name: fileName, sha256: sha256, bytes: bytes, type: nil, pdfVersion: nil,
                                             pages: nil, encrypted: false, pdfx: nil)
        func report(pages: [PreflightReport.PageFacts] = [], fonts: [PreflightReport.FontFacts] = [],
                    spotColors: [String] = [], findings: [Finding]) -> PreflightReport {
            let elapsed = ContinuousClock.now - started
            return PreflightReport(profile: profile.name, file: file, product: .init(product), pages: pages, fonts: fonts,
                                   spotColors: spotColors, findings: findings,
                                   durationMs: Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000))
        }

        let kind: ArtworkKind?
        do {
            kind = try ArtworkKind.sniff(fileAt: path)
        } catch {
            return report(findings: [fileFinding(ArtworkError.missing(path: path))])
        }
        guard let kind else { return report(findings: [fileFinding(ArtworkError.unsupportedType(path: path))]) }
        file.type = kind.rawValue
        guard kind == .pdf else {
            file.pages = 1
            let raster: RasterInfo
            do {
                raster = try RasterHeaderReader().read(fileAt: path, kind: kind)
            } catch {
                return report(findings: [fileFinding(error)])
            }
            let empty = PDFStructure(version: "", isEncrypted: false, hasDocumentID: true, info: [:], outputIntents: [],
                                     pages: [], hasAcroForm: false, hasJavaScript: false)
            let context = PreflightContext(fileName: fileName, structure: empty, fonts: [], product: product, profile: profile,
                                           raster: raster)
            return report(pages: [PreflightReport.PageFacts(raster: raster, context: context)],
                          findings: PreflightCatalogue.checks.flatMap { $0.findings(in: context) })
        }

        let structure: PDFStructure
        let fonts: [FontUsage]
        var glyphs: [Int: [PDFRect]] = [:]
        var coverage: [Int: BleedCoverage] = [:]
        do {
            if let known { structure = known } else { structure = try PDFStructureReader(dielineNames: product.dielineSearchNames).read(fileAt: path) }
            let document = try PDFDocument(path: path)
            fonts = document.fonts()
            if let safety = product.safety, safety.points > 0 {
                glyphs = Self.glyphs(of: document, structure: structure)
            }
            if let bleed = product.bleed, bleed.points > 0 {
                for page in structure.pages {
                    if let poppler = document.page(at: page.number - 1) {
                        let cut = page.effectiveTrimBox.map { CutShape(product: product, trim: $0) }
                        coverage[page.number] = BleedCoverageInspector().coverage(of: poppler, structure: page, bleed: bleed, cut: cut)
                    }
                }
            }
        } catch {
            file.encrypted = error == .encrypted(path: path)
            return report(findings: [fileFinding(error)])
        }
        file.pdfVersion = structure.version
        file.pages = structure.pages.count
        file.encrypted = structure.isEncrypted
        file.pdfx = structure.info["GTS_PDFXVersion"]
        var context = PreflightContext(fileName: fileName, structure: structure, fonts: fonts, product: product, profile: profile,
                                       glyphs: glyphs)
        context.bleedCoverage = coverage
        var findings = PreflightCatalogue.checks.flatMap { $0.findings(in: context) }
        if structure.isEncrypted {
            findings.append(Finding(check: "file.encrypted", severity: profile.severity(for: "file.encrypted", default: .warning),
                                    message: Message("file.encrypted.restricted", ["file": .text(fileName)]),
                                    measured: "encrypted", expected: "not encrypted"))
        }
        return report(pages: structure.pages.map { PreflightReport.PageFacts($0) },
                      fonts: fonts.map { PreflightReport.FontFacts(name: $0.name, type: $0.type, embedded: $0.isEmbedded, subset: $0.isSubset) },
                      spotColors: context.spotColourNames, findings: findings)
    }

    /// Character boxes in PDF user space, mapped back from Poppler's rendered space (turned by /Rotate).
    static func glyphs(of document: PDFDocument, structure: PDFStructure) -> [Int: [PDFRect]] {
        var result: [Int: [PDFRect]] = [:]
        for page in structure.pages {
            guard let poppler = document.page(at: page.number - 1), let crop = page.visibleBox else { continue }
            let space = RenderedPageSpace(crop: crop, rotation: page.rotation)
            result[page.number] = poppler.glyphBoxes().map { space.pdfRect(u0: $0.x0, v0: $0.y0, u1: $0.x1, v1: $0.y1) }
        }
        return result
    }

    /// A file that cannot be judged at all: always an error, whatever the profile.
    private func fileFinding(_ error: ArtworkError) -> Finding {
        Finding(check: error.checkID, severity: .error, message: error.message)
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
