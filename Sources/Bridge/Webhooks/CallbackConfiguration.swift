import Foundation
import JobStore

/// How callbacks are signed and retried (`callbacks` in the config).
public struct CallbackConfiguration: Sendable {
    /// `whsec_...`: signs every delivery to a job's callback URL.
    public var secret: String
    /// The delay before each attempt: the first is the delay before the first attempt (0s: at once); after
    /// the last, a delivery is dead.
    public var retrySchedule: [Duration]
    /// Deliveries in flight at once, over all endpoints (each endpoint has at most one).
    public var concurrency: Int

    public init(secret: String, retrySchedule: [Duration] = Self.defaultSchedule, concurrency: Int = 8) {
        self.secret = secret
        self.retrySchedule = retrySchedule.isEmpty ? [.zero] : retrySchedule
        self.concurrency = max(1, concurrency)
    }

    public static let defaultSchedule: [Duration] = [0, 300, 300, 300, 300, 300, 900, 3600, 7200, 14400, 86400].map { .seconds($0) }
}
