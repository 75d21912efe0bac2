import Synchronization

/// Why new files are not being claimed right now (low disk space, say), by cause. Watchers keep seeing
/// files but leave them in the inbox until every cause is gone.
final class IntakePause: Sendable {
    private let reasons = Mutex([String: String]())

    func pause(_ cause: String, reason: String) { reasons.withLock { $0[cause] = reason } }
    func resume(_ cause: String) { _ = reasons.withLock { $0.removeValue(forKey: cause) } }

    var isPaused: Bool { reasons.withLock { !$0.isEmpty } }
    var current: [String: String] { reasons.withLock { $0 } }
    /// Every cause's reason in one line, for logs, status and API answers; nil while intake runs.
    var reason: String? { reasons.withLock { $0.isEmpty ? nil : $0.values.sorted().joined(separator: "; ") } }
}
