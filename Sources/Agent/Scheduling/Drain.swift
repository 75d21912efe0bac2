import Synchronization

/// Set once the agent is stopping: running stages finish, but no job starts its next stage, so what is
/// left stays in its state in the store and resumes at the next start.
final class Drain: Sendable {
    private let flag = Atomic<Bool>(false)

    var isDraining: Bool { flag.load(ordering: .acquiring) }

    func begin() { flag.store(true, ordering: .releasing) }
}
