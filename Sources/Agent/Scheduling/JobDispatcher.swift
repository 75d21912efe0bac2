import Bridge
import Foundation
import JobStore
import Logging
import ServiceLifecycle
import Synchronization

/// Starts a runner for every runnable job exactly once at a time: jobs claimed by the watchers right away,
/// and, by a sweep of the store every `sweepInterval`, jobs recovered at start-up or retried from the CLI,
/// and jobs a full disk or a store error stopped, once their `RetryBackoff` wait is over.
///
/// Among several agents sharing a store, a node sweeps only the jobs it holds, and takes jobs nobody holds
/// (made through the API, or left by a node between making and taking them) up to what its workers can
/// start, skipping rows another node is taking at the same moment.
///
/// On a graceful stop it drains: nothing new starts, running stages get until `limits.shutdown_grace` to
/// finish, and anything still running then is killed and left in its state to resume at the next start.
final class JobDispatcher: Service {
    private let store: any JobStore
    private let runner: JobRunner
    private let live: LiveConfiguration
    private let logger: Logger
    /// Called on every pass of the sweep loop: the systemd watchdog is fed from here, so a scheduler that
    /// stops going round gets the agent restarted.
    private let heartbeat: @Sendable () -> Void
    private let requests: AsyncStream<JobID>
    private let continuation: AsyncStream<JobID>.Continuation
    /// Jobs being driven now, each with the task driving it (cancelled to stop a job ended while it runs).
    private let inFlight = Mutex([JobID: Task<JobRunner.Outcome, Never>?]())
    private let backoff = RetryBackoff()
    static let sweepInterval = Duration.seconds(1)

    init(store: any JobStore, runner: JobRunner, live: LiveConfiguration, logger: Logger,
         heartbeat: @escaping @Sendable () -> Void = {}) {
        self.store = store
        self.runner = runner
        self.live = live
        self.logger = logger
        self.heartbeat = heartbeat
        (requests, continuation) = AsyncStream<JobID>.makeStream(bufferingPolicy: .unbounded)
    }

    /// Asks for `id` to be run; ignored when it is already running.
    func enqueue(_ id: JobID) { continuation.yield(id) }

    var runningCount: Int { inFlight.withLock { $0.count } }

    /// A job was cancelled or rejected: a stage running for it is stopped (its worker killed), and its
    /// original is moved aside.
    func jobEnded(_ id: JobID) {
        stopRunning(id)
        enqueue(id)
    }

    /// This server was taken for dead and its jobs given to others: nothing new starts, and every running
    /// stage is stopped now rather than drained, since its results would be refused and its workers only
    /// delay the stages the rescuer runs for the same jobs.
    func abandonAll() {
        runner.drain.begin()
        let drives = inFlight.withLock { $0.values.compactMap { $0 } }
        if !drives.isEmpty {
            logger.notice("stopping the running stages of jobs taken over by another server", metadata: ["running": "\(drives.count)"])
        }
        for drive in drives { drive.cancel() }
    }

    private func stopRunning(_ id: JobID) {
        let drive = inFlight.withLock { $0[id] ?? nil }
        if let drive {
            logger.notice("stopping the running stage of a job that was ended", metadata: ["job": "\(id)"])
            drive.cancel()
        }
    }

    func run() async throws {
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.sweepPeriodically() }
                // Ends when a graceful stop finishes the stream; while draining, requests are dropped (the
                // stream must not end on its own: the service group takes that for a crash).
                for await id in requests {
                    guard !runner.drain.isDraining else { continue }
                    let isNew = inFlight.withLock { inFlight in
                        guard inFlight[id] == nil else { return false }
                        inFlight[id] = .some(nil)
                        return true
                    }
                    guard isNew else { continue }
                    let runner = self.runner.using(live.current)
                    group.addTask {
                        // A task of its own, so that `stopRunning` can cancel this one job; the group's
                        // cancellation (the end of a drain) reaches it too.
                        let drive = Task { await runner.drive(id) }
                        self.inFlight.withLock { $0[id] = drive }
                        let outcome = await withTaskCancellationHandler { await drive.value } onCancel: { drive.cancel() }
                        switch outcome {
                        case .settled: self.backoff.settled(id)
                        case .retryLater: if !runner.drain.isDraining { self.backoff.stopped(id) }
                        }
                        self.inFlight.withLock { _ = $0.removeValue(forKey: id) }
                    }
                }
                await waitForRunningStages()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            self.runner.drain.begin()
            self.continuation.finish()
        }
    }

    private func waitForRunningStages() async {
        let running = runningCount
        guard running > 0 else { return }
        let grace = live.current.shutdownGrace
        logger.notice("stopping: letting running stages finish", metadata: ["running": "\(running)", "grace_s": "\(grace.seconds)"])
        let deadline = ContinuousClock.now + grace
        while runningCount > 0, ContinuousClock.now < deadline, !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(100))
        }
        let left = inFlight.withLock { $0.keys.map(\.rawValue).sorted() }
        if !left.isEmpty {
            logger.warning("stopping: stages still running after the grace period are stopped; their jobs resume at the next start",
                           metadata: ["running": "\(left.count)", "jobs": "\(left.joined(separator: ","))"])
        }
    }

    private func sweepPeriodically() async {
        let runnable = Set(JobState.allCases.filter(\.isRunnable))
        var unconfigured = Set<String>()
        var pass = 0
        let missingParts = MissingParts(store: store, logger: logger, node: runner.node)
        while !Task.isCancelled {
            heartbeat()
            pass += 1
            // Every few seconds: a part is late by minutes, not by a sweep.
            if !runner.drain.isDraining, pass % 5 == 0 { await missingParts.failOverdue(live.current) }
            if !runner.drain.isDraining {
                do {
                    // Runnable jobs, and ended ones whose original still waits in the claim area.
                    let folders = Set(live.current.hotfolders.map(\.name))
                    let node = runner.node
                    if let node {
                        let room = live.current.workers * 2 - runningCount
                        for id in try await node.cluster.holdUnheldJobs(in: runnable, for: node.lease, limit: room) where !backoff.isWaiting(id) {
                            continuation.yield(id)
                        }
                    }
                    let ended = try await store.jobs(matching: JobFilter(statuses: [.rejected, .cancelled], originalStillClaimed: true,
                                                                         heldBy: node?.name))
                    for job in try await store.jobs(matching: JobFilter(statuses: runnable, heldBy: node?.name)) + ended {
                        guard let folder = job.hotfolder, folders.contains(folder) else {
                            // A folder removed from the config: its jobs wait, untouched, until it is back.
                            let name = job.hotfolder ?? "-"
                            if unconfigured.insert(name).inserted {
                                logger.warning("jobs of a hot folder that is no longer configured are left as they are",
                                               metadata: ["hotfolder": "\(name)"])
                            }
                            continue
                        }
                        let running = inFlight.withLock { $0[job.id] != nil }
                        // Ended from elsewhere (the CLI) while a stage runs for it: stop that stage.
                        if running && !job.status.isRunnable { stopRunning(job.id) }
                        if !running && !backoff.isWaiting(job.id) { continuation.yield(job.id) }
                    }
                } catch {
                    logger.error("cannot read runnable jobs from the store", metadata: ["error": "\(error)"])
                }
            }
            try? await Task.sleep(for: Self.sweepInterval)
        }
    }
}
