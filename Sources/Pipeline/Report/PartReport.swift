/// One part's report inside the report of a multi-part job.
public struct PartReport: Sendable, Hashable, Codable {
    public var name: String
    /// The page of the combined file (and of the job's proofs) this part's page 1 is.
    public var firstPage: Int
    public var report: PreflightReport

    public init(name: String, firstPage: Int, report: PreflightReport) {
        self.name = name
        self.firstPage = firstPage
        self.report = report
    }
}

extension PreflightReport {
    /// The report of a job made of parts: every part's findings and fixes, each naming its part, with page
    /// numbers counted through the parts in order (the back's page 1 is page 2 of a business card), as the
    /// combined print-ready file and the job's proofs count them; the parts' own reports beside, as written.
    /// The result is the worst part's.
    public static func combining(_ parts: [(name: String, report: PreflightReport)], product: ProductSpec) -> PreflightReport {
        var pages: [PageFacts] = []
        var findings: [Finding] = []
        var fixes: [AppliedFix] = []
        var fonts: [FontFacts] = []
        var spotColors: [String] = []
        var kept: [PartReport] = []
        var offset = 0
        for (name, report) in parts {
            kept.append(PartReport(name: name, firstPage: offset + 1, report: report))
            for var page in report.pages {
                page.number += offset
                pages.append(page)
            }
            for var finding in report.findings {
                finding.part = name
                finding.page = finding.page.map { $0 + offset }
                (finding.params, finding.message) = counted(finding.params, finding.messageKey, finding.message, from: offset)
                findings.append(finding)
            }
            for var fix in report.fixes ?? [] {
                fix.part = name
                fix.page = fix.page.map { $0 + offset }
                (fix.params, fix.message) = counted(fix.params, fix.messageKey, fix.message, from: offset)
                fixes.append(fix)
            }
            for font in report.fonts where !fonts.contains(font) { fonts.append(font) }
            for colour in report.spotColors where !spotColors.contains(colour) { spotColors.append(colour) }
            offset += report.file.pages ?? report.pages.count
        }
        let files = parts.map(\.report.file)
        let file = FileFacts(name: parts.map { "\($0.name): \($0.report.file.name)" }.joined(separator: ", "), sha256: nil,
                             bytes: files.reduce(0) { $0 + $1.bytes }, type: nil, pdfVersion: nil, pages: offset,
                             encrypted: files.contains(where: \.encrypted), pdfx: nil)
        var combined = PreflightReport(profile: parts.first?.report.profile ?? PreflightProfile.basic.name, file: file,
                                       product: ProductFacts(product), pages: pages, fonts: fonts, spotColors: spotColors,
                                       findings: findings, durationMs: parts.reduce(0) { $0 + $1.report.durationMs }, fixes: fixes)
        combined.parts = kept
        return combined
    }

    /// A sentence that names its page ("Page 1 is 80 x 50 mm") with the page counted through the parts, as
    /// the finding's `page` is, its English message written again from the catalogue.
    private static func counted(_ params: [String: MessageParameter]?, _ key: String?, _ message: String,
                                from offset: Int) -> ([String: MessageParameter]?, String) {
        guard offset > 0, var params, case .number(let page)? = params["page"], let key else { return (params, message) }
        params["page"] = .number(page + Double(offset))
        return (params, MessageCatalogue.english.render(key, params))
    }
}
