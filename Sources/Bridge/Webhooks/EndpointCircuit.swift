import Foundation
import JobStore
import Synchronization

/// A circuit breaker per endpoint: after `threshold` failed attempts in a row the endpoint rests for a
/// cool-down (doubling, up to `maximumCooldown`) and its deliveries wait, still pending, without spending
/// attempts of their retry schedule; then one attempt probes it, and a success closes the circuit.
///
/// An endpoint that is down for an hour thus costs a few probes instead of a connect timeout per due
/// delivery, and never a sender slot another endpoint could use.
final class EndpointCircuit: Sendable {
    private struct State { var failures = 0; var openUntil: ContinuousClock.Instant?; var cooldown: Duration }

    let threshold: Int
    let initialCooldown: Duration
    let maximumCooldown: Duration
    private let states = Mutex([String: State]())

    init(threshold: Int = 5, initialCooldown: Duration = .seconds(30), maximumCooldown: Duration = .seconds(600)) {
        self.threshold = threshold
        self.initialCooldown = initialCooldown
        self.maximumCooldown = maximumCooldown
    }

    /// Whether an attempt to `endpoint` may be made now (closed, or open with its cool-down over: a probe).
    func admits(_ endpoint: String, now: ContinuousClock.Instant = .now) -> Bool {
        states.withLock { states in
            guard let openUntil = states[endpoint]?.openUntil else { return true }
            return now >= openUntil
        }
    }

    func recordSuccess(_ endpoint: String) {
        _ = states.withLock { $0.removeValue(forKey: endpoint) }
    }

    /// Counts a failure; returns true when it opened (or reopened) the circuit.
    @discardableResult
    func recordFailure(_ endpoint: String, now: ContinuousClock.Instant = .now) -> Bool {
        states.withLock { states in
            var state = states[endpoint] ?? State(cooldown: initialCooldown)
            state.failures += 1
            var opened = false
            if state.openUntil != nil {
                // A failed probe: rest twice as long.
                state.cooldown = min(state.cooldown * 2, maximumCooldown)
                state.openUntil = now + state.cooldown
                opened = true
            } else if state.failures >= threshold {
                state.openUntil = now + state.cooldown
                opened = true
            }
            if states.count > 10_000 { states.removeAll(keepingCapacity: true) }
            states[endpoint] = state
            return opened
        }
    }
}
