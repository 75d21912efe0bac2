import Bridge
import Foundation
import JobStore

/// The stem of a job's output names (print-ready PDF, proofs, reports): the original's name, or the
/// folder's `output_name` template filled from the `filename_pattern` groups of the original's name.
///
/// `"{orderReference}-{side}"` with pattern `^(?<orderReference>[0-9]+)_(?<side>front|back)` names the
/// outputs of `4711_front_final_v3.pdf` `4711-front.pdf`, `4711-front-page-1.png`, ... Besides the groups,
/// `{name}` is the original's name without extension, `{externalId}` the job's order id, `{job}` its id.
struct OutputNaming: Sendable {
    let template: String?
    let pattern: String?

    init(folder: HotFolderConfiguration) {
        template = folder.outputName
        pattern = folder.filenamePattern
    }

    func stem(for job: Job) -> String {
        // A job of parts is the order's, not its first file's: named by the order when it has one.
        let original = job.product.hasParts ? job.externalId.map(Self.safe).flatMap { $0.isEmpty || $0.hasPrefix(".") ? nil : $0 } ?? JobRunner.stem(job.fileName)
            : JobRunner.stem(job.fileName)
        guard let template else { return original }
        var values = ["name": original, "job": job.id.rawValue, "externalId": job.externalId ?? ""]
        if let pattern, let expression = try? NSRegularExpression(pattern: pattern) {
            let range = NSRange(job.fileName.startIndex..., in: job.fileName)
            // A name the pattern does not fit keeps its own name rather than a half-filled template.
            guard let match = expression.firstMatch(in: job.fileName, range: range) else { return original }
            for group in Self.placeholders(in: template) where values[group] == nil {
                let groupRange = match.range(withName: group)
                if groupRange.location != NSNotFound, let swiftRange = Range(groupRange, in: job.fileName) {
                    values[group] = String(job.fileName[swiftRange])
                }
            }
        }
        var result = template
        for group in Self.placeholders(in: template) { result = result.replacingOccurrences(of: "{\(group)}", with: values[group] ?? "") }
        let safe = Self.safe(result)
        return safe.isEmpty || safe.hasPrefix(".") ? original : safe
    }

    /// `text` as a file name: no slashes or control characters, no surrounding spaces.
    static func safe(_ text: String) -> String {
        String(text.map { $0 == "/" || $0 == "\0" || $0.asciiValue.map { $0 < 0x20 } == true ? "_" : $0 })
            .trimmingCharacters(in: .whitespaces)
    }

    /// The names between braces: "{a}-{b}" gives ["a", "b"].
    static func placeholders(in template: String) -> [String] {
        guard let expression = try? NSRegularExpression(pattern: #"\{([A-Za-z][A-Za-z0-9]*)\}"#) else { return [] }
        return expression.matches(in: template, range: NSRange(template.startIndex..., in: template)).compactMap {
            Range($0.range(at: 1), in: template).map { String(template[$0]) }
        }
    }

    /// Placeholders a template may use with `pattern`: its named groups and the built-in ones.
    static func knownPlaceholders(pattern: String?) -> Set<String> {
        var known: Set<String> = ["name", "job", "externalId"]
        if let pattern, let groups = try? NSRegularExpression(pattern: #"\(\?<([A-Za-z][A-Za-z0-9]*)>"#) {
            for match in groups.matches(in: pattern, range: NSRange(pattern.startIndex..., in: pattern)) {
                if let range = Range(match.range(at: 1), in: pattern) { known.insert(String(pattern[range])) }
            }
        }
        return known
    }
}
