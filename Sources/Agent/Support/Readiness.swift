import Foundation
import Synchronization

/// What keeps the agent from being ready, by component, with a reason an admin can act on. /readyz answers
/// from it; systemd readiness will too.
final class Readiness: Sendable {
    private let problems = Mutex([String: String]())

    func block(_ component: String, _ reason: String) { problems.withLock { $0[component] = reason } }
    func clear(_ component: String) { _ = problems.withLock { $0.removeValue(forKey: component) } }
    var current: [String: String] { problems.withLock { $0 } }
}
