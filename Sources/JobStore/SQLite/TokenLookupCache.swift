import Foundation
import Synchronization

/// Recently looked-up tokens, by hash, for a second: every API request authenticates, and a store read per
/// request costs more than the rest of a small request. Revoking through the same store clears it at
/// once; a revocation by another process (the CLI) takes effect within `lifetime`.
final class TokenLookupCache: Sendable {
    private struct Entry { var token: AccessToken?; var fetched: ContinuousClock.Instant }
    private let entries = Mutex([String: Entry]())
    let lifetime: Duration

    init(lifetime: Duration = .seconds(1)) { self.lifetime = lifetime }

    /// The cached answer (which may be "no such token"), or nil when there is none fresh.
    func lookup(_ hash: String) -> AccessToken?? {
        entries.withLock { entries in
            guard let entry = entries[hash], entry.fetched.duration(to: .now) < lifetime else { return nil }
            return .some(entry.token)
        }
    }

    func store(_ token: AccessToken?, for hash: String) {
        entries.withLock { entries in
            // Unknown hashes are cached too (a client retrying a bad token), but never pile up.
            if entries.count > 1000 { entries.removeAll(keepingCapacity: true) }
            entries[hash] = Entry(token: token, fetched: .now)
        }
    }

    func clear() { entries.withLock { $0.removeAll() } }
}
