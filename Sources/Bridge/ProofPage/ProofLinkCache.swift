import Foundation
import JobStore
import Synchronization

/// Signed proof-page tokens by job, capability, epoch and expiry, so a job polled many times an hour is
/// signed once.
final class ProofLinkCache: Sendable {
    static let shared = ProofLinkCache()
    private struct Key: Hashable { var id: JobID; var capability: ProofLink.Capability; var epoch: Int; var expiry: Double }
    private let tokens = Mutex([Key: String]())

    func token(for id: JobID, capability: ProofLink.Capability, epoch: Int, expiry: Double, sign: () -> String) -> String {
        let key = Key(id: id, capability: capability, epoch: epoch, expiry: expiry)
        if let cached = tokens.withLock({ $0[key] }) { return cached }
        let token = sign()
        tokens.withLock { tokens in
            if tokens.count > 20_000 { tokens.removeAll(keepingCapacity: true) }
            tokens[key] = token
        }
        return token
    }
}
