import Foundation
import Synchronization

/// Signed proof-page tokens by job and expiry, so a job polled many times an hour is signed once.
final class ProofLinkCache: Sendable {
    static let shared = ProofLinkCache()
    private let tokens = Mutex([JobID: (expiry: Double, token: String)]())

    func token(for id: JobID, expiry: Double, sign: () -> String) -> String {
        if let cached = tokens.withLock({ $0[id] }), cached.expiry == expiry { return cached.token }
        let token = sign()
        tokens.withLock { tokens in
            if tokens.count > 10_000 { tokens.removeAll(keepingCapacity: true) }
            tokens[id] = (expiry, token)
        }
        return token
    }
}
