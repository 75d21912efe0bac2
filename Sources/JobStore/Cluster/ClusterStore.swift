import Foundation

/// A node's membership of the cluster: its name and the number it joined under. Every job the node holds
/// carries that number, and every change it makes as the job's holder is checked against it, so a node that
/// was taken for dead and comes back (or never noticed it was gone) cannot change what was rescued from it.
public struct NodeLease: Sendable, Hashable, CustomStringConvertible {
    public var node: String
    public var number: Int64

    public init(node: String, number: Int64) {
        self.node = node
        self.number = number
    }

    public var description: String { "\(node)#\(number)" }
}

/// What several agents sharing one store agree on: who is alive, which node runs which job, and who takes
/// over the jobs of a node that stopped answering.
///
/// Only a store that several agents share implements it (PostgreSQL). On SQLite one agent runs every job:
/// there is nobody to agree with, and `JobUpdate.heldUnder` is not checked.
public protocol ClusterStore: Sendable {
    /// Joins (or joins again after a restart) as `node`, with a new lease number and a heartbeat now. The
    /// jobs the node held under its earlier number stay its own: it takes them again as it runs them.
    func join(as node: String) async throws -> NodeLease
    /// Renews the node's heartbeat. False when the node was taken for dead meanwhile and its jobs rescued:
    /// it must stop working on them, and join again.
    func heartbeat(_ lease: NodeLease) async throws -> Bool
    /// Nodes whose last heartbeat is older than `timeout` by the server's clock (so nodes' clocks need not
    /// agree) and whose jobs were not rescued yet.
    func silentNodes(for timeout: Duration) async throws -> [String]
    /// Takes over everything `node` holds, for `rescuer`, if it is still silent for `timeout`: in one
    /// transaction its lease ends and its jobs are held under the rescuer's. Nil when it spoke meanwhile
    /// (or was rescued by another node first); otherwise the jobs taken over.
    func rescue(_ node: String, by rescuer: NodeLease, silentFor timeout: Duration) async throws -> [JobID]?
    /// Holds job `id` for `lease`'s node: when no node holds it, or this node did under an earlier number.
    /// False when another node holds it.
    func hold(_ id: JobID, for lease: NodeLease) async throws -> Bool
    /// Jobs in `states` that no node holds (jobs made through the API, whose node then died before taking
    /// them, ...), at most `limit`, taken for `lease`'s node; rows another node is taking at the same moment
    /// are skipped, not waited for (`FOR UPDATE SKIP LOCKED`).
    func holdUnheldJobs(in states: Set<JobState>, for lease: NodeLease, limit: Int) async throws -> [JobID]
    /// The node holding job `id`, if any.
    func holder(of id: JobID) async throws -> String?
    /// Whether `lease` still holds job `id`: its node holds it under that number, and the lease was not ended
    /// by a rescue or by the node joining again. Asked before moving a job's files, which no fence can undo.
    func holds(_ id: JobID, under lease: NodeLease) async throws -> Bool
    /// Rewrites every path of the job (claimed file, original, parts' files) that starts with `old` to start
    /// with `new`: its claim folder moved to another node's claim area.
    func moveClaimPaths(of id: JobID, from old: String, to new: String) async throws
    /// Runs `body` while this process holds the lock on `node`'s claim area: a node's own recovery at start
    /// and another node's rescue of it take turns, never touching the same claimed files at once.
    func whileClaimAreaLocked<Result: Sendable>(of node: String, _ body: () async throws -> Result) async throws -> Result
}

extension ClusterStore {
    /// Throws `JobStoreError.notHeld` unless `lease` still holds job `id`. Asked right before moving a job's
    /// files: the store fences a node taken for dead off the job's rows, but a rename on the share cannot be
    /// fenced, and a node that stalled and woke would otherwise move the files its rescuer works on.
    public func ensureHolds(_ id: JobID, under lease: NodeLease) async throws {
        guard try await holds(id, under: lease) else { throw JobStoreError.notHeld(id, by: lease) }
    }
}
