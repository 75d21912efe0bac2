import Foundation
import Synchronization

/// Requests per token per minute, in fixed windows aligned to the minute: simple to explain in headers
/// (`X-RateLimit-Reset` is when the window ends) and cheap enough for every request.
final class RateLimiter: Sendable {
    struct Decision: Sendable {
        var allowed: Bool
        var limit: Int
        var remaining: Int
        /// Seconds until the window resets.
        var reset: Int
    }

    private struct Window { var minute: Int; var count: Int }
    private let limit: Int
    private let windows = Mutex([String: Window]())

    init(requestsPerMinute: Int) { limit = requestsPerMinute }

    func admit(_ key: String, now: Date = Date()) -> Decision {
        let seconds = Int(now.timeIntervalSince1970)
        let minute = seconds / 60
        let reset = 60 - seconds % 60
        return windows.withLock { windows in
            var window = windows[key].flatMap { $0.minute == minute ? $0 : nil } ?? Window(minute: minute, count: 0)
            if windows.count > 10_000 { windows = windows.filter { $0.value.minute == minute } }
            guard window.count < limit else {
                return Decision(allowed: false, limit: limit, remaining: 0, reset: reset)
            }
            window.count += 1
            windows[key] = window
            return Decision(allowed: true, limit: limit, remaining: limit - window.count, reset: reset)
        }
    }
}
