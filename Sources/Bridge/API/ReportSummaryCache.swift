import Foundation
import JobStore
import Synchronization

/// The preflight summary of a report file, decoded once per version of the file.
///
/// Job listings show the summary of every job; a report is written once by preflight (again only on a
/// retry), so the decoded counts are kept by path and checked against the file's size and mtime.
final class ReportSummaryCache: Sendable {
    static let shared = ReportSummaryCache()

    private struct Entry { var size: Int64; var modified: Double; var summary: Components.Schemas.PreflightSummary }
    private let entries = Mutex([String: Entry]())
    private let capacity = 4096

    /// Only what the summary needs; the rest of the report is skipped, not modelled.
    private struct Slim: Decodable {
        struct Finding: Decodable { var severity: String }
        struct Fix: Decodable {}
        var result: String
        var findings: [Finding]
        var fixes: [Fix]?
    }

    func summary(ofReportAt path: String) -> Components.Schemas.PreflightSummary? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        let size = Int64(info.st_size)
        let modified = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
        if let entry = entries.withLock({ $0[path] }), entry.size == size, entry.modified == modified { return entry.summary }
        guard let data = FileManager.default.contents(atPath: path),
              let report = try? JSONDecoder().decode(Slim.self, from: data) else { return nil }
        let count = { (severity: String) in report.findings.filter { $0.severity == severity }.count }
        let summary = Components.Schemas.PreflightSummary(result: .init(rawValue: report.result) ?? .fail, errors: count("error"),
                                                          warnings: count("warning"), infos: count("info"),
                                                          fixes: report.fixes?.count ?? 0)
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[path] = Entry(size: size, modified: modified, summary: summary)
        }
        return summary
    }
}
