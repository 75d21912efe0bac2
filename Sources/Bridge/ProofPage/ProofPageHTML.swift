import Foundation
import Pipeline

/// The customer's proof page: the rendered pages with their legend, the order, the findings in plain words
/// and, while the job waits for it, the decision. One self-contained page that reads well on a phone.
struct ProofPageHTML {
    var job: Job
    var pageImageURLs: [String]
    var report: PreflightReport?
    /// Whether the link may decide; a view link shows the proof without the buttons.
    var decides: Bool
    var approveURL: String
    var rejectURL: String
    var notice: String?

    var html: String {
        var body = "<header><h1>Proof for \(Self.escape(job.externalId.map { "order \($0)" } ?? job.fileName))</h1>"
        body += "<p class=\"status status-\(job.status.rawValue)\">\(Self.escape(statusLine))</p></header>"
        if let notice { body += "<p class=\"notice\">\(Self.escape(notice))</p>" }
        body += "<section><h2>Your order</h2><dl>\(orderRows)</dl></section>"
        body += """
            <section><h2>How to read the proof</h2><ul class="legend">
            <li><span class="swatch bleed"></span>Bleed: printed, then cut away</li>
            <li><span class="swatch trim"></span>Trim: where the sheet is cut</li>
            <li><span class="swatch safety"></span>Safety line: keep text and logos inside it</li>
            <li><span class="swatch finding"></span>A numbered problem, listed below</li></ul></section>
            """
        body += "<section class=\"pages\"><h2>Pages</h2>"
        for (index, url) in pageImageURLs.enumerated() {
            body += "<figure><img src=\"\(Self.escape(url))\" alt=\"Proof of page \(index + 1)\" loading=\"lazy\"><figcaption>Page \(index + 1)</figcaption></figure>"
        }
        body += "</section>"
        body += fixesSection
        body += findingsSection
        if job.status == .awaitingApproval && !decides {
            body += "<section class=\"decision\"><p id=\"view-only\">This link shows the proof. The decision is made with the link the print shop sent for it.</p></section>"
        }
        if job.status == .awaitingApproval && decides {
            body += """
                <section class="decision"><h2>Your decision</h2>
                <form method="post" action="\(Self.escape(approveURL))"><button type="submit" class="approve" id="approve">Approve for print</button></form>
                <form method="post" action="\(Self.escape(rejectURL))"><label for="reason">Or tell us what to change:</label>
                <textarea id="reason" name="reason" required maxlength="2000" rows="3"></textarea>
                <button type="submit" class="reject" id="reject">Reject</button></form></section>
                """
        }
        return """
            <!doctype html><html lang="\(Self.escape(job.order.language ?? "en"))"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
            <title>Proof \(Self.escape(job.externalId ?? job.fileName))</title><style>\(Self.style)</style></head>
            <body><main>\(body)</main></body></html>
            """
    }

    private var statusLine: String {
        switch job.status {
        case .awaitingApproval: "Waiting for your approval"
        case .approved, .producing: "Approved: your file is being made ready for print"
        case .printReady: "Approved and ready for print"
        case .rejected: "Rejected" + (job.failureReason.map { ": \($0)" } ?? "")
        case .cancelled: "This job was cancelled"
        case .failed: "This job could not be processed"
        case .preflightFailed: "This file cannot be printed as it is"
        default: "Being checked"
        }
    }

    private var orderRows: String {
        var rows: [(String, String)] = [("File", job.fileName)]
        if let externalId = job.externalId { rows.append(("Order", externalId)) }
        let facts = PreflightReport.ProductFacts(job.product)
        if let width = facts.trimWidthMm, let height = facts.trimHeightMm { rows.append(("Finished size", "\(width) x \(height) mm")) }
        if let bleed = facts.bleedMm { rows.append(("Bleed", "\(bleed) mm")) }
        if let safety = facts.safetyMm { rows.append(("Safety margin", "\(safety) mm")) }
        if let pages = job.product.pages { rows.append(("Pages ordered", pages.description)) }
        if let finishing = facts.finishing { rows.append(("Finishing", finishing.joined(separator: ", "))) }
        if let report, let page = report.pages.first {
            rows.append(("Your file", "\(report.file.pages ?? report.pages.count) page(s), \(LengthUnit.millimetre.format(page.widthPt)) x \(LengthUnit.millimetre.format(page.heightPt)) mm"))
        }
        return rows.map { "<dt>\(Self.escape($0.0))</dt><dd>\(Self.escape($0.1))</dd>" }.joined()
    }

    /// What was changed in the customer's file to make it printable, before the proof was made.
    private var fixesSection: String {
        guard let fixes = report?.fixes, !fixes.isEmpty else { return "" }
        let items = fixes.map { fix in
            "<li>\(Self.escape((fix.page.map { "Page \($0): " } ?? "") + fix.message))</li>"
        }.joined()
        return "<section class=\"fixes\"><h2>What we adjusted for print</h2><ul id=\"fixes\">\(items)</ul></section>"
    }

    private var findingsSection: String {
        guard let report else { return "" }
        let shown = report.findings.filter { $0.severity != .info }
        guard !shown.isEmpty else { return "<section><h2>Check results</h2><p>No problems found.</p></section>" }
        var items = ""
        for (index, finding) in shown.enumerated() {
            let page = finding.page.map { "page \($0): " } ?? ""
            items += "<li class=\"\(finding.severity.rawValue)\"><strong>\(index + 1).</strong> \(Self.escape(page + finding.message))</li>"
        }
        return "<section><h2>Check results</h2><ol class=\"findings\">\(items)</ol></section>"
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "'", with: "&#39;")
    }

    static let style = """
        body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1a1a1a;background:#f4f4f4}
        main{max-width:56rem;margin:0 auto;padding:1rem}
        header h1{font-size:1.4rem;margin:.5rem 0}
        section{background:#fff;border-radius:8px;padding:1rem;margin:1rem 0;box-shadow:0 1px 2px rgba(0,0,0,.08)}
        h2{font-size:1.1rem;margin:0 0 .5rem}
        dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0}dt{color:#555}dd{margin:0}
        .legend{list-style:none;padding:0;margin:0}.legend li{margin:.2rem 0}
        .swatch{display:inline-block;width:1.5rem;height:.8rem;margin-right:.5rem;vertical-align:middle;border-radius:2px}
        .swatch.bleed{background:rgba(255,0,140,.35)}.swatch.trim{background:#0059e6}.swatch.safety{background:#00992e}.swatch.finding{background:#d91a1a}
        figure{margin:0 0 1rem}img{max-width:100%;height:auto;border:1px solid #ddd}figcaption{color:#555;font-size:.9rem}
        .findings li.error{color:#a30000}.findings li.warning{color:#8a5a00}
        .status{font-weight:600}.status-awaiting_approval{color:#8a5a00}.status-print_ready,.status-approved{color:#00792a}.status-rejected{color:#a30000}
        .notice{background:#e8f4ff;padding:.75rem;border-radius:6px}
        .decision form{margin:.5rem 0}textarea{width:100%;box-sizing:border-box;font:inherit;padding:.5rem}
        button{font:inherit;padding:.7rem 1.4rem;border:0;border-radius:6px;cursor:pointer;margin-top:.5rem}
        .approve{background:#00792a;color:#fff;width:100%}.reject{background:#a30000;color:#fff}
        """
}
