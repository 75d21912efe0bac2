import Foundation
import JobStore
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
    /// A catalogue key of `ProofPageRoutes.notices`, shown above the order.
    var notice: String?
    /// The language everything is written in (see `language(for:acceptLanguage:)`).
    var catalogue: MessageCatalogue = .english

    /// The job's language when there is a catalogue for it (best BCP 47 match: de-CH is German), else the
    /// browser's Accept-Language, else English.
    static func language(for job: Job?, acceptLanguage: String?) -> MessageCatalogue {
        MessageCatalogue.matching([job?.order.language].compactMap { $0 })
            ?? acceptLanguage.flatMap { MessageCatalogue.matching(MessageCatalogue.tags(fromAcceptLanguage: $0)) }
            ?? .english
    }

    private func text(_ key: String, _ params: [String: MessageParameter] = [:]) -> String {
        Self.escape(catalogue.render(key, params))
    }

    var html: String {
        let heading = job.externalId.map { text("proof.heading.order", ["order": .text($0)]) } ?? text("proof.heading.file", ["file": .text(job.fileName)])
        var body = "<header><h1>\(heading)</h1>"
        body += "<p class=\"status status-\(job.status.rawValue)\">\(Self.escape(statusLine))</p></header>"
        if let notice { body += "<p class=\"notice\">\(text(notice))</p>" }
        body += "<section><h2>\(text("proof.order.heading"))</h2><dl>\(orderRows)</dl></section>"
        let cut = job.product.shape.map { $0 != .rectangle } ?? false
        body += """
            <section><h2>\(text("proof.legend.heading"))</h2><ul class="legend">
            <li><span class="swatch bleed"></span>\(text("proof.legend.bleed"))</li>
            <li><span class="swatch trim"></span>\(text(cut ? "proof.legend.cut" : "proof.legend.trim"))</li>
            <li><span class="swatch safety"></span>\(text("proof.legend.safety"))</li>
            <li><span class="swatch finding"></span>\(text("proof.legend.finding"))</li></ul></section>
            """
        body += "<section class=\"pages\"><h2>\(text("proof.pages.heading"))</h2>"
        for (index, url) in pageImageURLs.enumerated() {
            body += "<figure><img src=\"\(Self.escape(url))\" alt=\"\(text("proof.pages.alt", ["page": .count(index + 1)]))\" loading=\"lazy\">"
                + "<figcaption>\(partLabel(ofPage: index + 1))\(text("proof.pages.caption", ["page": .count(index + 1)]))</figcaption></figure>"
        }
        body += "</section>"
        body += fixesSection
        body += findingsSection
        if job.status == .awaitingApproval && !decides {
            body += "<section class=\"decision\"><p id=\"view-only\">\(text("proof.view_only"))</p></section>"
        }
        if job.status == .awaitingApproval && decides {
            body += """
                <section class="decision"><h2>\(text("proof.decision.heading"))</h2>
                <form method="post" action="\(Self.escape(approveURL))"><button type="submit" class="approve" id="approve">\(text("proof.decision.approve"))</button></form>
                <form method="post" action="\(Self.escape(rejectURL))"><label for="reason">\(text("proof.decision.reject_label"))</label>
                <textarea id="reason" name="reason" required maxlength="2000" rows="3"></textarea>
                <button type="submit" class="reject" id="reject">\(text("proof.decision.reject"))</button></form></section>
                """
        }
        return Self.document(language: catalogue.language, title: text("proof.title", ["name": .text(job.externalId ?? job.fileName)]), body: body)
    }

    /// A whole page: the proof, or the page that says why a link shows none.
    static func document(language: String, title: String, body: String) -> String {
        """
        <!doctype html><html lang="\(escape(language))"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
        <title>\(title)</title><style>\(style)</style></head>
        <body><main>\(body)</main></body></html>
        """
    }

    /// The page a link that shows no proof opens (expired, withdrawn, not valid), in words for the customer.
    static func refusal(_ key: String, catalogue: MessageCatalogue) -> String {
        let heading = escape(catalogue.render("proof.error.heading"))
        return document(language: catalogue.language, title: heading,
                        body: "<header><h1>\(heading)</h1></header><section><p id=\"refusal\">\(escape(catalogue.render(key)))</p></section>")
    }

    private var statusLine: String {
        switch job.status {
        case .awaitingApproval: catalogue.render("proof.status.awaiting_approval")
        case .approved, .producing: catalogue.render("proof.status.approved")
        case .printReady: catalogue.render("proof.status.print_ready")
        case .rejected: job.failureReason.map { catalogue.render("proof.status.rejected_because", ["reason": .text($0)]) }
            ?? catalogue.render("proof.status.rejected")
        case .cancelled: catalogue.render("proof.status.cancelled")
        case .failed: catalogue.render("proof.status.failed")
        case .preflightFailed: catalogue.render("proof.status.preflight_failed")
        default: catalogue.render("proof.status.checking")
        }
    }

    private var orderRows: String {
        var rows: [(String, String)] = [(text("proof.order.file"), Self.escape(job.fileName))]
        if let externalId = job.externalId { rows.append((text("proof.order.order"), Self.escape(externalId))) }
        let facts = PreflightReport.ProductFacts(job.product)
        if let width = facts.trimWidthMm, let height = facts.trimHeightMm {
            rows.append((text("proof.order.size"), text("proof.order.size_value", ["widthMm": .number(width), "heightMm": .number(height)])))
        }
        if let shape = job.product.shape, shape != .rectangle {
            let value = facts.cornerRadiusMm.map { text("proof.order.corner_radius", ["shape": shape.term, "radiusMm": .number($0)]) }
                ?? text("shape." + shape.rawValue)
            rows.append((text("proof.order.shape"), value))
        }
        if let bleed = facts.bleedMm { rows.append((text("proof.order.bleed"), text("proof.order.length_value", ["lengthMm": .number(bleed)]))) }
        if let safety = facts.safetyMm { rows.append((text("proof.order.safety"), text("proof.order.length_value", ["lengthMm": .number(safety)]))) }
        if let pages = job.product.pages { rows.append((text("proof.order.pages"), Self.escape(pages.description))) }
        if let finishing = facts.finishing { rows.append((text("proof.order.finishing"), Self.escape(finishing.joined(separator: ", ")))) }
        if let report, let page = report.pages.first {
            rows.append((text("proof.order.your_file"), text("proof.order.your_file_value", [
                "pages": .count(report.file.pages ?? report.pages.count), "widthMm": .mm(page.widthPt), "heightMm": .mm(page.heightPt)])))
        }
        return rows.map { "<dt>\($0.0)</dt><dd>\($0.1)</dd>" }.joined()
    }

    /// What was changed in the customer's file to make it printable, before the proof was made.
    private var fixesSection: String {
        guard let fixes = report?.fixes, !fixes.isEmpty else { return "" }
        let items = fixes.map { fix in
            let part = fix.part.map { "<span class=\"part\">\(Self.escape($0))</span> · " } ?? ""
            return "<li>\(part)\(onPage(fix.page, fix.message(in: catalogue), namesPage: fix.params?["page"] != nil))</li>"
        }.joined()
        return "<section class=\"fixes\"><h2>\(text("proof.fixes.heading"))</h2><ul id=\"fixes\">\(items)</ul></section>"
    }

    private var findingsSection: String {
        guard let report else { return "" }
        let shown = report.findings.filter { $0.severity != .info }
        guard !shown.isEmpty else { return "<section><h2>\(text("proof.findings.heading"))</h2><p>\(text("proof.findings.none"))</p></section>" }
        var items = ""
        for (index, finding) in shown.enumerated() {
            let sentence = onPage(finding.page, finding.message(in: catalogue),
                                  namesPage: finding.messageKey == nil ? finding.message.hasPrefix("Page ") : finding.params?["page"] != nil)
            let part = finding.part.map { "<span class=\"part\">\(Self.escape($0))</span> · " } ?? ""
            items += "<li class=\"\(finding.severity.rawValue)\"><strong>\(index + 1).</strong> \(part)\(sentence)</li>"
        }
        return "<section><h2>\(text("proof.findings.heading"))</h2><ol class=\"findings\">\(items)</ol></section>"
    }

    /// "back · " before the caption of a page of a product made of parts: which part's file the page is from.
    private func partLabel(ofPage page: Int) -> String {
        guard let part = report?.parts?.last(where: { $0.firstPage <= page }) else { return "" }
        return "<span class=\"part\">\(Self.escape(part.name))</span> · "
    }

    /// "Page 2: ..." for what concerns one page; a sentence that names its page already stands alone.
    private func onPage(_ page: Int?, _ sentence: String, namesPage: Bool) -> String {
        guard let page, !namesPage else { return Self.escape(sentence) }
        return text("proof.on_page", ["page": .count(page), "text": .text(sentence)])
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
