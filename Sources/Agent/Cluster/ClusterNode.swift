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

    /// Throws `JobStoreError.notHeld` unless this node still holds job `id` under its lease. Asked right
    /// before moving a job's files: the store fences a node taken for dead off the job's rows, but a rename
    /// on the share cannot be fenced, and a node that stalled and woke would otherwise move the files its
    /// rescuer works on.
    func ensureHolds(_ id: JobID) async throws {
        guard try await cluster.holds(id, under: lease) else { throw JobStoreError.notHeld(id, by: lease) }
    }
}
