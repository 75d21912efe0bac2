import Foundation

/// The preflight report as one self-contained HTML page for operators: the verdict, findings grouped by
/// severity, page thumbnails, boxes, fonts and spot colours. No external files, so it can be mailed.
public struct ReportHTML: Sendable {
    public var report: PreflightReport
    /// PNG data per page number.
    public var thumbnails: [Int: Data]

    public init(report: PreflightReport, thumbnails: [Int: Data] = [:]) {
        self.report = report
        self.thumbnails = thumbnails
    }

    /// The page for `report`, with thumbnails of the first `maximumPages` pages when the file is a readable PDF.
    public static func page(for report: PreflightReport, fileAt path: String, maximumPages: Int = 24) -> ReportHTML {
        var thumbnails: [Int: Data] = [:]
        if report.file.type == "pdf", let document = try? PDFDocument(path: path) {
            let scratch = URL(fileURLWithPath: NSTemporaryDirectory())
            for index in 0..<min(document.pageCount, maximumPages) {
                thumbnails[index + 1] = Thumbnailer().png(of: document, page: index, scratchDirectory: scratch)
            }
        }
        return ReportHTML(report: report, thumbnails: thumbnails)
    }

    public func render() -> String {
        var html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">
            <title>Preflight: \(escape(report.file.name))</title>
            <style>
            body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}
            .verdict{display:inline-block;padding:.2em .8em;border-radius:4px;color:#fff;font-weight:bold}
            .pass{background:#2e7d32}.warn{background:#ed6c02}.fail{background:#c62828}
            h2{margin-top:1.6em;border-bottom:1px solid #ddd}
            table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.3em .6em;text-align:left;vertical-align:top}
            .error{color:#c62828}.warning{color:#ed6c02}.info{color:#555}
            .pages{display:flex;flex-wrap:wrap;gap:1em}.pages figure{margin:0}.pages img{border:1px solid #999;max-width:300px}
            code{background:#f3f3f3;padding:0 .2em}
            </style></head><body>
            <h1>\(escape(report.file.name)) <span class="verdict \(report.result.rawValue)">\(report.result.rawValue.uppercased())</span></h1>
            <p>Profile <code>\(escape(report.profile))</code> · \(report.errorCount) error(s), \(report.warningCount) warning(s) ·
            \(report.file.type.map { escape($0.uppercased()) } ?? "unknown type")\(report.file.pdfVersion.map { " " + escape($0) } ?? "") ·
            \(report.file.pages.map { "\($0) page(s)" } ?? "") · \(report.file.bytes) bytes</p>
            <p>Order: \(escape(orderText))</p>

            """
        if let fixes = report.fixes, !fixes.isEmpty {
            html += "<h2 class=\"fixed\">Fixed (\(fixes.count))</h2>\n<p>The findings below are those of the fixed file; the original is kept as it was.</p>\n<table>"
            html += "<tr><th>Page</th><th>Fix-up</th><th>What changed</th><th>Before</th><th>After</th></tr>\n"
            for fix in fixes {
                html += "<tr><td>\(place(page: fix.page, part: fix.part))</td><td><code>\(escape(fix.id))</code></td>"
                    + "<td>\(escape(fix.message))</td><td>\(escape(fix.before ?? ""))</td><td>\(escape(fix.after ?? ""))</td></tr>\n"
            }
            html += "</table>\n"
        }
        for severity in [Finding.Severity.error, .warning, .info] {
            let findings = report.findings(severity: severity)
            guard !findings.isEmpty else { continue }
            html += "<h2 class=\"\(severity.rawValue)\">\(severity.rawValue.capitalized)s (\(findings.count))</h2>\n<table>"
            html += "<tr><th>Page</th><th>Check</th><th>Finding</th><th>Measured</th><th>Expected</th></tr>\n"
            for finding in findings {
                html += "<tr><td>\(place(page: finding.page, part: finding.part))</td><td><code>\(escape(finding.check))</code></td>"
                    + "<td>\(escape(finding.message))</td><td>\(escape(finding.measured ?? ""))</td><td>\(escape(finding.expected ?? ""))</td></tr>\n"
            }
            html += "</table>\n"
        }
        if report.findings.isEmpty { html += "<p>No findings.</p>\n" }
        if !report.pages.isEmpty {
            html += "<h2>Pages</h2>\n<div class=\"pages\">"
            for page in report.pages {
                html += "<figure>"
                if let png = thumbnails[page.number] {
                    html += "<img alt=\"page \(page.number)\" src=\"data:image/png;base64,\(png.base64EncodedString())\">"
                }
                html += "<figcaption>Page \(page.number): \(mmText(page.widthPt)) x \(mmText(page.heightPt)) mm"
                    + (page.rotation != 0 ? ", rotated \(page.rotation)°" : "") + "<br>"
                for (name, box) in [("Trim", page.trimBox), ("Bleed", page.bleedBox), ("Media", page.mediaBox)] {
                    html += "\(name)Box \(box.map { escape($0.description) } ?? "none")<br>"
                }
                html += "</figcaption></figure>"
            }
            html += "</div>\n"
        }
        if !report.fonts.isEmpty {
            html += "<h2>Fonts</h2>\n<table><tr><th>Name</th><th>Type</th><th>Embedded</th><th>Subset</th></tr>\n"
            for font in report.fonts {
                html += "<tr><td>\(escape(font.name))</td><td>\(escape(font.type))</td><td>\(font.embedded ? "yes" : "<b class=\"error\">no</b>")</td><td>\(font.subset ? "yes" : "no")</td></tr>\n"
            }
            html += "</table>\n"
        }
        if !report.spotColors.isEmpty {
            html += "<h2>Spot colours</h2>\n<p>\(report.spotColors.map(escape).joined(separator: ", "))</p>\n"
        }
        html += "<p class=\"info\">hotfolder-agent \(escape(report.engine.version)) · Poppler \(escape(report.engine.poppler)) · qpdf \(escape(report.engine.qpdf)) · \(report.durationMs) ms</p>\n</body></html>\n"
        return html
    }

    private var orderText: String {
        let product = report.product
        var parts: [String] = []
        if let width = product.trimWidthMm, let height = product.trimHeightMm { parts.append("trim \(mmText(width * 72 / 25.4)) x \(mmText(height * 72 / 25.4)) mm") }
        if let bleed = product.bleedMm { parts.append("bleed \(bleed) mm") }
        if let safety = product.safetyMm { parts.append("safety \(safety) mm") }
        if let pages = product.pages { parts.append("\(pages) page(s)") }
        if let finishing = product.finishing { parts.append("finishing: " + finishing.joined(separator: ", ")) }
        return parts.isEmpty ? "no order data; the file's own boxes were used" : parts.joined(separator: ", ")
    }

    private func mmText(_ points: Double) -> String { LengthUnit.millimetre.format(points) }

    private func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// The page a row is about, with its part for a multi-part job ("back · 2").
    private func place(page: Int?, part: String?) -> String {
        let number = page.map(String.init) ?? "–"
        return part.map { escape($0) + " · " + number } ?? number
    }
}
