/// file.damaged: the file opened only because qpdf worked around damage. Lost content (streams that do not
/// decode, garbled objects) means the RIP may print something else than the proof shows, or stop. A
/// rebuilt structure (cross-reference table, stream lengths) is an error too: in a hot folder its usual cause
/// is a copy or upload that broke off, so pages may be missing although what is left renders. A shop that
/// takes repaired files lowers the severity per folder (`preflight.severities`).
struct FileDamageCheck: PreflightCheck {
    let id = "file.damaged"
    /// Findings name this many of qpdf's messages; a badly broken file has hundreds.
    static let namedProblems = 3

    func findings(in context: PreflightContext) -> [Finding] {
        let damage = context.structure.damage
        let lost = damage.filter { $0.kind == .lost }
        let repaired = damage.filter { $0.kind == .repaired }
        var findings: [Finding] = []
        if !lost.isEmpty {
            findings.append(finding(context, Message("file.damaged.lost", ["details": .text(Self.summary(of: lost))]),
                                    measured: "\(lost.count) unreadable part(s)", expected: "an undamaged file"))
        }
        if !repaired.isEmpty {
            findings.append(finding(context, Message("file.damaged.repaired", ["details": .text(Self.summary(of: repaired))]),
                                    measured: "\(repaired.count) repair(s)", expected: "an undamaged file"))
        }
        return findings
    }

    private static func summary(of damage: [PDFStructure.Damage]) -> String {
        var details: [String] = []
        for item in damage where !details.contains(item.detail) && details.count < namedProblems { details.append(item.detail) }
        let more = damage.count - details.count
        return details.joined(separator: "; ") + (more > 0 ? "; \(more) more" : "")
    }
}
