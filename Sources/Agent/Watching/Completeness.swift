import Foundation
import JobStore

/// Size and modification time of a file: what "still being written" is judged by.
struct FileSnapshot: Sendable, Equatable {
    var size: Int64
    var modifiedNanoseconds: Int64

    /// The snapshot of a regular file at `path`; nil when it is gone or not a regular file.
    static func of(_ path: String) -> FileSnapshot? {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return FileSnapshot(size: Int64(info.st_size),
                            modifiedNanoseconds: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec))
    }
}

/// Decides when a file in an inbox is complete. Pure state, no I/O: the watcher feeds it evidence and
/// snapshots, and asks which files are due for another look.
///
/// - A rename into the inbox means complete (writers that rename finish before the rename).
/// - A file closed after writing, or one first seen by a scan, is complete once its size and mtime stayed
///   the same for `stability`.
/// - A file created but never seen closed is still open by its writer; it needs `openFileGrace` unchanged
///   (when the close event was lost in an overflow, the file still gets picked up).
struct CompletenessTracker {
    enum Evidence: Sendable, Equatable { case created, closed, scanned }

    struct Candidate: Sendable, Equatable {
        var snapshot: FileSnapshot
        var unchangedSince: ContinuousClock.Instant
        var isOpenForWriting: Bool
        var nextCheck: ContinuousClock.Instant
    }

    var stability: Duration
    var openFileGrace: Duration = .seconds(30)
    private(set) var candidates: [String: Candidate] = [:]

    init(stability: Duration) { self.stability = stability }

    private func requiredQuiet(for candidate: Candidate) -> Duration {
        candidate.isOpenForWriting ? max(stability, openFileGrace) : stability
    }

    /// Records evidence about `name`. Returns true when the file is complete right now (stability zero).
    mutating func note(_ name: String, _ evidence: Evidence, snapshot: FileSnapshot, now: ContinuousClock.Instant) -> Bool {
        if var candidate = candidates[name] {
            switch evidence {
            case .created: candidate.isOpenForWriting = true
            case .closed: candidate.isOpenForWriting = false
            case .scanned: break
            }
            if evidence == .closed || candidate.snapshot != snapshot {
                candidate.snapshot = snapshot
                candidate.unchangedSince = now
            }
            candidate.nextCheck = candidate.unchangedSince + requiredQuiet(for: candidate)
            candidates[name] = candidate
        } else {
            var candidate = Candidate(snapshot: snapshot, unchangedSince: now, isOpenForWriting: evidence == .created,
                                      nextCheck: now)
            candidate.nextCheck = now + requiredQuiet(for: candidate)
            candidates[name] = candidate
        }
        return stability == .zero && candidates[name]?.isOpenForWriting == false
    }

    /// Names whose next check is due.
    func due(at now: ContinuousClock.Instant) -> [String] {
        candidates.filter { $0.value.nextCheck <= now }.map(\.key).sorted()
    }

    /// Compares a fresh snapshot; returns true when the file has been quiet long enough to claim.
    mutating func observe(_ name: String, snapshot: FileSnapshot, now: ContinuousClock.Instant) -> Bool {
        guard var candidate = candidates[name] else { return false }
        if candidate.snapshot != snapshot {
            candidate.snapshot = snapshot
            candidate.unchangedSince = now
        }
        let ready = now - candidate.unchangedSince >= requiredQuiet(for: candidate)
        candidate.nextCheck = ready ? now + stability : candidate.unchangedSince + requiredQuiet(for: candidate)
        candidates[name] = candidate
        return ready
    }

    /// Looks again after `delay` (a file that could not be opened yet).
    mutating func postpone(_ name: String, by delay: Duration, now: ContinuousClock.Instant) {
        candidates[name]?.nextCheck = now + delay
    }

    /// Events were lost: nothing is known to be open any more, so the scan rule decides for every file.
    mutating func forgetWriters() {
        for name in candidates.keys { candidates[name]?.isOpenForWriting = false }
    }

    mutating func forget(_ name: String) { candidates.removeValue(forKey: name) }

    func isTracking(_ name: String) -> Bool { candidates[name] != nil }
}
