import Bridge
import Foundation
import JobStore
import Logging

/// Removes what retention says may go: the store's rows (`RetentionStore.purge`) and then the purged jobs'
/// workspaces under the state directory. The shop's folders (`out/`, `originals/`, `error/`) are never
/// touched: a workspace is removed only when it lies inside `jobsDirectory`, whatever a job row says.
struct JobPurger: Sendable {
    let store: any RetentionStore
    let jobsDirectory: String

    func purge(_ cutoffs: PurgeCutoffs, dryRun: Bool) async throws -> PurgeReport {
        let rows = try await store.purge(cutoffs, dryRun: dryRun)
        // Walking and removing thousands of folders (on a slow disk, say) is no work for the cooperative pool.
        return try await Blocking.run { [jobsDirectory] in
            var report = rows
            for id in report.jobs {
                let workspace = JobWorkspace(jobsDirectory: jobsDirectory, id: id).directory
                guard (workspace as NSString).deletingLastPathComponent == jobsDirectory,
                      FileManager.default.fileExists(atPath: workspace) else { continue }
                report.workspaces += 1
                report.workspaceBytes += Self.bytes(under: workspace)
                if !dryRun { try? FileManager.default.removeItem(atPath: workspace) }
            }
            return report
        }
    }

    /// The bytes the files under `path` take (not following links).
    static func bytes(under path: String) -> Int64 {
        guard let walker = FileManager.default.enumerator(atPath: path) else { return 0 }
        var total: Int64 = 0
        while let relative = walker.nextObject() as? String {
            var info = stat()
            if lstat(path + "/" + relative, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG { total += Int64(info.st_size) }
        }
        return total
    }
}
