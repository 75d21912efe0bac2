import Synchronization

/// How often this process has changed each job, counted after each commit. Views of a job built for an
/// earlier count are out of date; changes made by other processes are not counted here, so caches of
/// views also bound their age.
///
/// Counted per bucket of job ids, not per job: memory stays at 32 KB however many jobs the agent has seen
/// (a map per job grew by every job for the life of the process). A change to another job of the same
/// bucket only makes a cached view look stale one time too many.
final class JobChangeCounter: Sendable {
    static let buckets = 4096
    private let counts = Mutex([UInt64](repeating: 0, count: JobChangeCounter.buckets))
    private let complete = Mutex(false)

    func bump(_ id: JobID) { counts.withLock { $0[Self.bucket(of: id)] &+= 1 } }
    func count(of id: JobID) -> UInt64 { counts.withLock { $0[Self.bucket(of: id)] } }

    /// Whether the counts take in every process's changes now (a store that hears them all, listening).
    var isComplete: Bool { complete.withLock { $0 } }

    /// Starts counting every process's changes: every count moves first, since what happened before (while
    /// nobody listened) was not counted, so nothing built earlier passes for current.
    func beginHearingEveryChange() {
        counts.withLock { for index in $0.indices { $0[index] &+= 1 } }
        complete.withLock { $0 = true }
    }

    func stopHearingEveryChange() { complete.withLock { $0 = false } }

    private static func bucket(of id: JobID) -> Int { Int(UInt(bitPattern: id.hashValue) % UInt(buckets)) }
}
