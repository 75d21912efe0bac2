import Synchronization

/// How often this process has changed each job, counted after each commit. Views of a job built for an
/// earlier count are out of date; changes made by other processes are not counted here, so caches of
/// views also bound their age.
final class JobChangeCounter: Sendable {
    private let counts = Mutex([JobID: UInt64]())

    func bump(_ id: JobID) { counts.withLock { $0[id, default: 0] &+= 1 } }
    func count(of id: JobID) -> UInt64 { counts.withLock { $0[id] ?? 0 } }
}
