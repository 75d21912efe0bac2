import Foundation
import JobStore

/// The long-poll behind GET /api/v1/events: answers as soon as an event after `sequence` exists, else after
/// `wait` with nothing.
///
/// It reads the store (an indexed range read) and waits for the store's sign of new events between reads,
/// rather than listening in-process, because transitions are also written by other processes (the CLI's
/// approve and retry) and other agents sharing the store: PostgreSQL's NOTIFY wakes it at once, SQLite has
/// no such sign and it reads again every 200 ms.
struct EventFeed: Sendable {
    let store: any JobStore

    func events(after sequence: Int64, limit: Int, wait: Duration) async throws -> [JobEvent] {
        let deadline = ContinuousClock.now.advanced(by: wait)
        while true {
            let mark = store.eventMark()
            let events = try await store.events(after: sequence, limit: limit)
            if !events.isEmpty || ContinuousClock.now >= deadline { return events }
            try Task.checkCancellation()
            await store.waitForEvents(upTo: ContinuousClock.now.duration(to: deadline), since: mark)
        }
    }
}
