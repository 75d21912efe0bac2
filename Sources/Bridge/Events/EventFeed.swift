import Foundation
import JobStore

/// The long-poll behind GET /api/v1/events: answers as soon as an event after `sequence` exists, else after
/// `wait` with nothing.
///
/// It polls the store (an indexed range read) rather than listening in-process, because transitions are also
/// written by other processes: the CLI's approve and retry, and later other agents sharing the store.
struct EventFeed: Sendable {
    let store: any JobStore
    var pollInterval: Duration = .milliseconds(200)

    func events(after sequence: Int64, limit: Int, wait: Duration) async throws -> [JobEvent] {
        let deadline = ContinuousClock.now.advanced(by: wait)
        while true {
            let events = try await store.events(after: sequence, limit: limit)
            if !events.isEmpty || ContinuousClock.now >= deadline { return events }
            try await Task.sleep(for: min(pollInterval, ContinuousClock.now.duration(to: deadline)))
        }
    }
}
