import Foundation
import JobStore
import Logging
import ServiceLifecycle

/// Keeps this node's place among the agents sharing a store, and rescues the jobs of a node that stopped
/// answering.
///
/// Every third of `node.timeout` it renews its heartbeat, then looks for nodes silent for longer than the
/// timeout (by the database server's clock). A silent node's jobs are taken over in one transaction, while
/// its claim area is locked (its own recovery at start takes the same lock, so the two never touch one claim
/// at once): their claimed files move into this node's claim area, and they run again here from their last
/// completed stage. Files it claimed but never recorded are adopted as they would be at its restart.
///
/// A node that learns it was taken for dead (its heartbeat refused: it was silent too long, its database
/// unreachable) stops the agent, so that systemd starts it again as a new member; its jobs are fenced off
/// from it meanwhile by their leases.
final class ClusterMembership: Service {
    private let node: ClusterNode
    private let store: any JobStore
    private let live: LiveConfiguration
    private let logger: Logger
    private let onRescued: @Sendable (JobID) -> Void
    private let onTakenForDead: @Sendable () -> Void

    /// `onRescued` hears each job taken over from a silent node; `onTakenForDead`, that this node's own jobs
    /// were taken (its running stages should stop at once). The service then throws `TakenForDead`, which
    /// should stop the agent gracefully (`failureTerminationBehavior: .gracefullyShutdownGroup`).
    init(node: ClusterNode, store: any JobStore, live: LiveConfiguration, logger: Logger,
         onRescued: @escaping @Sendable (JobID) -> Void, onTakenForDead: @escaping @Sendable () -> Void) {
        self.node = node
        self.store = store
        self.live = live
        var logger = logger
        logger[metadataKey: "node"] = "\(node.name)"
        self.logger = logger
        self.onRescued = onRescued
        self.onTakenForDead = onTakenForDead
    }

    /// Why the agent stops: another node took this one for dead.
    struct TakenForDead: Error, CustomStringConvertible {
        let node: String
        var description: String {
            "this server (\(node)) was silent for longer than node.timeout and its jobs were taken over by another; it stops so that it can join again"
        }
    }

    /// Joins as this node and recovers its own claim area, under the lock a rescuer of it would take: how an
    /// agent of several starts.
    static func join(_ cluster: any ClusterStore, settings: NodeSettings, recovering: @Sendable (ClusterNode) async throws -> Void) async throws -> ClusterNode {
        try await cluster.whileClaimAreaLocked(of: settings.name) {
            let lease = try await cluster.join(as: settings.name)
            let node = ClusterNode(cluster: cluster, lease: lease, timeout: settings.timeout)
            try await recovering(node)
            // Recovery may have taken a while: speak before the lock lets a rescuer look.
            _ = try await cluster.heartbeat(lease)
            return node
        }
    }

    /// Heartbeats and rescues run side by side: a rescue of many jobs takes seconds, and a heartbeat waiting
    /// behind it would make this node look silent to the others, who would then take it for dead.
    func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await self.keepHeartbeat() }
                group.addTask { try await self.keepRescuing() }
                defer { group.cancelAll() }
                try await group.next()
            }
        }
    }

    /// Renews the heartbeat every third of the timeout until this node learns it was taken for dead.
    private func keepHeartbeat() async throws {
        var lastRenewed = ContinuousClock.now
        while !Task.isCancelled {
            try await Task.sleep(for: node.timeout / 3)
            do {
                guard try await node.cluster.heartbeat(node.lease) else { throw TakenForDead(node: node.name) }
                let gap = lastRenewed.duration(to: .now)
                lastRenewed = .now
                if gap > node.timeout * 2 / 3 {
                    // Two thirds of the way to being taken for dead: the machine or the database is overloaded.
                    logger.warning("this server's heartbeat came late; the others take it for dead after node.timeout", metadata: [
                        "since_last_ms": "\(Int(gap.seconds * 1000))", "timeout_ms": "\(Int(node.timeout.seconds * 1000))",
                    ])
                }
            } catch let error as TakenForDead {
                logger.critical("taken for dead by the other servers: stopping", metadata: ["reason": "\(error.description)"])
                onTakenForDead()
                throw error
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                // Other nodes may take this one for dead if it lasts: then the next heartbeat says so.
                logger.error("cannot renew this server's heartbeat", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Looks for silent nodes every third of the timeout.
    private func keepRescuing() async throws {
        while !Task.isCancelled {
            try await Task.sleep(for: node.timeout / 3)
            await rescueSilentNodes()
        }
    }

    /// Rescues every node silent for longer than the timeout.
    func rescueSilentNodes() async {
        do {
            for silent in try await node.cluster.silentNodes(for: node.timeout) where silent != node.name {
                try await rescue(silent)
            }
        } catch is CancellationError {
        } catch {
            logger.error("cannot rescue the jobs of a silent server; trying again", metadata: ["error": "\(error)"])
        }
    }

    private func rescue(_ silent: String) async throws {
        let started = ContinuousClock.now
        let (node, store, logger) = (self.node, self.store, self.logger)
        let configuration = live.current
        let taken: [JobID]? = try await node.cluster.whileClaimAreaLocked(of: silent) {
            guard let ids = try await node.cluster.rescue(silent, by: node.lease, silentFor: node.timeout) else { return nil }
            let home = ClaimHome(node: node, logger: logger)
            for id in ids {
                guard let job = try await store.job(id), let name = job.hotfolder, let folder = configuration.hotfolder(named: name) else { continue }
                try await home.bring(job, folder: folder)
            }
            // What it claimed and never recorded, or recorded and never took: as its own restart would.
            let recovery = Recovery(configuration: configuration, store: store, logger: logger, node: node)
            for folder in configuration.hotfolders {
                let area = folder.layout.work + "/" + silent
                for entry in ((try? FileManager.default.contentsOfDirectory(atPath: area)) ?? []).sorted() {
                    guard let id = JobID(entry) else { continue }
                    if let job = try await store.job(id) {
                        // Held by another live node: that one brings it home.
                        guard try await node.hold(id) else { continue }
                        try await home.bring(job, folder: folder)
                    } else {
                        let claim = folder.layout.claims + "/" + entry
                        try await Blocking.run {
                            try FileOperations.createDirectory(folder.layout.claims)
                            guard rename(area + "/" + entry, claim) == 0 else {
                                throw FileOperationError.failed("move claim", path: area + "/" + entry, errno: errno)
                            }
                            try FileOperations.sync(folder.layout.claims)
                            try FileOperations.sync(area)
                        }
                        _ = try await recovery.recoverClaim(at: claim, folder: folder)
                    }
                }
                rmdir(area)
            }
            return ids
        }
        guard let taken else { return }
        logger.warning("rescued the jobs of a silent server", metadata: [
            "silent_node": "\(silent)", "jobs": "\(taken.count)", "took_ms": "\(Int(started.duration(to: .now).seconds * 1000))",
        ])
        for id in taken { onRescued(id) }
    }
}
