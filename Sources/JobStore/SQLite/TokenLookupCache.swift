import Foundation
import Synchronization

/// Recently looked-up tokens, by hash, for a second: every API request authenticates, and a store read per
/// request costs more than the rest of a small request. Revoking through the same store clears it at
/// once; a revocation by another process (the CLI) takes effect within `lifetime`.
///
/// A store that hears other agents' changes only while a connection listens (PostgreSQL) suspends the cache
/// while it does not: then nothing is kept and every lookup reads the store.
final class TokenLookupCache: Sendable {
    private struct Entry { var token: AccessToken?; var fetched: ContinuousClock.Instant }
    private struct State { var entries: [String: Entry] = [:]; var keeping: Bool }
    private let state: Mutex<State>
    let lifetime: Duration

    init(lifetime: Duration = .seconds(1), keeping: Bool = true) {
        self.lifetime = lifetime
        state = Mutex(State(keeping: keeping))
    }

    /// The cached answer (which may be "no such token"), or nil when there is none fresh.
    func lookup(_ hash: String) -> AccessToken?? {
        state.withLock { state in
            guard let entry = state.entries[hash], entry.fetched.duration(to: .now) < lifetime else { return nil }
            return .some(entry.token)
        }
    }

    func store(_ token: AccessToken?, for hash: String) {
        state.withLock { state in
            guard state.keeping else { return }
            // Unknown hashes are cached too (a client retrying a bad token), but never pile up.
            if state.entries.count > 1000 { state.entries.removeAll(keepingCapacity: true) }
            state.entries[hash] = Entry(token: token, fetched: .now)
        }
    }

    func clear() { state.withLock { $0.entries.removeAll() } }

    /// Keeps nothing, and forgets what it kept, until `resume()`.
    func suspend() { state.withLock { $0 = State(keeping: false) } }

    func resume() { state.withLock { $0.keeping = true } }
}
