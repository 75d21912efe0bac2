import Foundation
import JobStore

/// This agent as one node of several sharing a store: the store they agree through, the lease it joined
/// under, and how long a node may be silent before the others rescue its jobs (`node.timeout`).
///
/// Nil wherever the agent is alone (SQLite): it then holds every job, and nothing is fenced.
struct ClusterNode: Sendable {
    let cluster: any ClusterStore
    let lease: NodeLease
    let timeout: Duration

    var name: String { lease.node }

    /// Holds job `id` for this node; false when another node runs it.
    func hold(_ id: JobID) async throws -> Bool {
        try await cluster.hold(id, for: lease)
    }

    /// Throws `JobStoreError.notHeld` unless this node still holds job `id`: asked before moving its files.
    func ensureHolds(_ id: JobID) async throws {
        try await cluster.ensureHolds(id, under: lease)
    }
}
