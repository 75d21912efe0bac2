import Synchronization

/// Rung for every NOTIFY of new events the store's listening connection receives: a count that waiters
/// compare with the mark they took before reading.
final class EventBell: Sendable {
    private let rings = Mutex(0)

    func ring() { rings.withLock { $0 += 1 } }

    var mark: Int { rings.withLock { $0 } }

    /// Returns once the bell rang after `seen`, or after `limit`. Looks every 20 ms: a change in memory,
    /// not a query.
    func wait(since seen: Int, upTo limit: Duration) async {
        let deadline = ContinuousClock.now.advanced(by: limit)
        while mark == seen, ContinuousClock.now < deadline, !Task.isCancelled {
            try? await Task.sleep(for: min(.milliseconds(20), ContinuousClock.now.duration(to: deadline)))
        }
    }
}
