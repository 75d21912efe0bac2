import Bridge
import JobStore
import Synchronization

/// When a job stopped by something outside it (a full disk, a store that could not commit) may run again:
/// 5 s after the first stop, doubling to at most 5 minutes, so a disk that stays full costs a retry every
/// few minutes instead of a stage started and thrown away every second.
final class RetryBackoff: Sendable {
    static let first = Duration.seconds(5)
    static let longest = Duration.seconds(300)

    private struct Wait {
        var stops: Int
        var until: ContinuousClock.Instant
    }
    private let waits = Mutex([JobID: Wait]())

    /// Records a stop of `id` and returns how long it now waits.
    @discardableResult
    func stopped(_ id: JobID, now: ContinuousClock.Instant = .now) -> Duration {
        waits.withLock { waits in
            let stops = (waits[id]?.stops ?? 0) + 1
            let delay = min(Self.first * (1 << min(stops - 1, 16)), Self.longest)
            waits[id] = Wait(stops: stops, until: now + delay)
            return delay
        }
    }

    /// The job ran through: its next stop starts from the first delay again.
    func settled(_ id: JobID) { _ = waits.withLock { $0.removeValue(forKey: id) } }

    func isWaiting(_ id: JobID, now: ContinuousClock.Instant = .now) -> Bool {
        waits.withLock { waits in waits[id].map { now < $0.until } ?? false }
    }
}
