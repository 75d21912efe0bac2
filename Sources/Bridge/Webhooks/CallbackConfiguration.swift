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
    /// The node sending (`node.name`): the holder of the deliveries it takes, on a store several agents share.
    public var node: String
    /// How long a taken delivery is this node's before another may take it: longer than any attempt (the
    /// transport gives up after 30 s), so only a node that died mid-attempt lets one go early.
    public var lease: Duration = .seconds(45)

    public init(secret: String, retrySchedule: [Duration] = Self.defaultSchedule, concurrency: Int = 8, node: String = "local") {
        self.secret = secret
        self.node = node
        self.retrySchedule = retrySchedule.isEmpty ? [.zero] : retrySchedule
        self.concurrency = max(1, concurrency)
    }

    public static let defaultSchedule: [Duration] = [0, 300, 300, 300, 300, 300, 900, 3600, 7200, 14400, 86400].map { .seconds($0) }
}
