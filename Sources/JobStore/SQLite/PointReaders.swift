import GRDB
import Synchronization

/// The connections of `SQLiteJobStore.readNow`, apart from the pool's readers: a few, each held only by a
/// thread that is running its read and never by a suspended task, so a caller waits at most for another
/// point read.
///
/// GRDB's async reads keep their pool reader until their task runs again on the cooperative pool; a
/// synchronous read waiting there for a pool reader can hold every cooperative thread while the readers'
/// owners wait for one (seen in `make bench`: 32 clients asking for jobs on 2 cores, the agent deaf for good).
final class PointReaders: Sendable {
    private let connections: [DatabaseQueue]
    private let free: Mutex<[Int]>

    /// One connection per core (at most 4): the cooperative threads that make point reads.
    init(path: String, configuration: Configuration, count: Int) throws {
        var readOnly = configuration
        readOnly.readonly = true
        connections = try (0..<max(1, count)).map { _ in try DatabaseQueue(path: path, configuration: readOnly) }
        free = Mutex(Array(connections.indices))
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        // A free connection when there is one; otherwise wait behind the first, whose holder is running.
        guard let index = free.withLock({ $0.popLast() }) else { return try connections[0].unsafeReentrantRead(body) }
        defer { free.withLock { $0.append(index) } }
        return try connections[index].unsafeReentrantRead(body)
    }
}
