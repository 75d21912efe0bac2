import Bridge
import Foundation
import JobStore
import Logging
import ServiceLifecycle

/// Builds the running agent from a configuration: store, recovery, watchers, dispatcher, all in one
/// ServiceGroup that SIGTERM and SIGINT stop gracefully.
struct AgentRuntime {
    let configuration: AgentConfiguration
    let logger: Logger
    let store: any AgentStore
    private let connection: StoreConnection
    /// Held for the agent's life: no second agent runs on this state directory.
    let instance: InstanceLock

    init(configuration: AgentConfiguration, logger: Logger) async throws {
        self.configuration = configuration
        self.logger = logger
        try FileOperations.createDirectory(configuration.stateDirectory)
        try FileOperations.createDirectory(configuration.jobsDirectory)
        instance = try InstanceLock(stateDirectory: configuration.stateDirectory)
        connection = try await StoreConnection.open(configuration, logger: logger)
        store = connection.store
    }

    func run() async throws {
        let node = try await joinOrRecover()
        let notifier = SystemdNotifier.fromEnvironment()
        let watchdog = SystemdWatchdog.fromEnvironment(notifier: notifier)
        let live = LiveConfiguration(configuration)
        let metrics = AgentMetrics()
        metrics.bootstrap()
        let inotify = InotifyThread(logger: logger)
        defer { inotify.stop() }
        let slots = WorkerSlots(total: configuration.workers, limits: configuration.folderConcurrency)
        var runner = JobRunner(configuration: configuration, store: store, slots: slots,
                               worker: WorkerProcess(executable: WorkerProcess.currentExecutable, limits: configuration.limits),
                               logger: logger)
        runner.metrics = metrics
        runner.node = node
        let dispatcher = JobDispatcher(store: store, runner: runner, live: live, logger: logger, heartbeat: { watchdog?.feed() })
        let readiness = Readiness()
        let pause = IntakePause()
        let watchers = WatcherSupervisor(folders: configuration.hotfolders, inotify: inotify, store: store, readiness: readiness,
                                         pause: pause, metrics: metrics, node: node, logger: logger) { id in dispatcher.enqueue(id) }
        let diskGuard = DiskGuard(live: live, pause: pause, readiness: readiness, logger: logger)
        _ = try? await Blocking.run { diskGuard.check() }
        let bridgeSettings = try bridgeConfiguration()
        let callbacks = try CallbackDelivery(
            configuration: bridgeSettings,
            callbacks: CallbackConfiguration(secret: try CallbackSecret.loadOrCreate(configured: configuration.callbacks.secret,
                                                                                     at: configuration.callbackSecretPath,
                                                                                     logger: logger),
                                             retrySchedule: configuration.callbacks.retrySchedule, node: configuration.node.name),
            store: store, logger: logger)
        readiness.block("bridge", "the bridge is not listening yet")
        let bridge = try BridgeServer(configuration: bridgeSettings, store: store, hooks: BridgeHooks(
            jobIsRunnable: { dispatcher.enqueue($0) },
            jobEnded: { dispatcher.jobEnded($0) },
            unreadiness: { [stateDirectory = configuration.stateDirectory] in
                var problems = readiness.current
                // /readyz answers anyone: the reason names the directory's role; the log has the path.
                if !StateDirectoryProbe.isWritable(stateDirectory) {
                    logger.error("readiness: the state directory is not writable", metadata: ["path": "\(stateDirectory)"])
                    problems["state_dir"] = "the state directory (state_dir) is not writable"
                }
                return problems
            },
            intakePause: { pause.reason },
            metrics: { [store] in
                await metrics.text(from: AgentMetrics.Sources(store: store, slots: slots, diskGuard: diskGuard))
            }
        ), logger: logger).makeService(onListening: { _ in readiness.clear("bridge") })
        let systemd = SystemdLink(notifier: notifier, readiness: readiness, logger: logger) { [store] in
            await Self.status(live: live, slots: slots, store: store, pause: pause)
        }
        let sweep = RetentionSweep(purger: JobPurger(store: store, jobsDirectory: configuration.jobsDirectory),
                                   policy: { live.current.retention }, logger: logger)
        let reloader = ConfigReloader(live: live, slots: slots, catalog: bridgeSettings.catalog, watchers: watchers,
                                      store: store, systemd: systemd, node: node, logger: logger)
        let membership = node.map {
            ClusterMembership(node: $0, store: store, live: live, logger: logger,
                              onRescued: { id in dispatcher.enqueue(id) }, onTakenForDead: {
                                  dispatcher.abandonAll()
                                  StopDeadline.arm(logger: logger)
                              })
        }
        logger.info("agent started", metadata: [
            "config": "\(configuration.file)", "state_dir": "\(configuration.stateDirectory)",
            "workers": "\(configuration.workers)", "hotfolders": "\(configuration.hotfolders.map(\.name).joined(separator: ","))",
            "systemd": "\(notifier == nil ? "no" : watchdog.map { "notify, watchdog \($0.interval)" } ?? "notify")",
            "node": "\(node.map { "\($0.lease), timeout \($0.timeout)" } ?? "alone")",
        ])
        // A stop runs the services' shutdowns in reverse: systemd hears STOPPING=1, intake stops, running
        // stages drain, then callbacks and finally the bridge, which answers (/readyz) until the end.
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            // A node taken for dead stops as on SIGTERM (its stages are already stopped), then exits failed.
            services: [bridge, callbacks, dispatcher, diskGuard, watchers, reloader, MemoryTrimmer(), sweep, systemd].map { .init(service: $0) }
                + (membership.map { [.init(service: $0, failureTerminationBehavior: .gracefullyShutdownGroup)] } ?? []),
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        ))
        do {
            try await group.run()
        } catch {
            await connection.close()
            throw error
        }
        await connection.close()
        withExtendedLifetime(instance) {}
        logger.info("agent stopped")
    }

    /// Recovers the claim area after a stop; on a store several agents share, joins them first, under the
    /// lock a rescuer of this node would take. Nil when the agent is alone.
    private func joinOrRecover() async throws -> ClusterNode? {
        let (configuration, store, logger) = (self.configuration, self.store, self.logger)
        guard let cluster = store as? any ClusterStore else {
            try await Recovery(configuration: configuration, store: store, logger: logger).run()
            return nil
        }
        return try await ClusterMembership.join(cluster, settings: configuration.node) { node in
            try await Recovery(configuration: configuration, store: store, logger: logger, node: node).run()
        }
    }

    /// The one line `systemctl status` shows.
    static func status(live: LiveConfiguration, slots: WorkerSlots, store: any JobStore, pause: IntakePause) async -> String {
        let folders = live.current.hotfolders.count
        let running = await slots.runningCount
        let waiting = await slots.waitingCount
        let counts = (try? await store.jobCounts()) ?? [:]
        let open = counts.filter { !$0.key.isTerminal }.values.reduce(0, +)
        var line = "\(folders) hot folder\(folders == 1 ? "" : "s"); \(running) stage\(running == 1 ? "" : "s") running, "
            + "\(waiting) waiting for a worker; \(open) open job\(open == 1 ? "" : "s")"
        if let reason = pause.reason { line += "; INTAKE PAUSED: " + reason }
        return line
    }

    private func bridgeConfiguration() throws -> BridgeConfiguration {
        let settings = configuration.bridge
        return BridgeConfiguration(
            host: settings.host, port: settings.port, publicURL: settings.publicURL, jobsDirectory: configuration.jobsDirectory,
            maxUploadBytes: settings.maxUploadBytes, requestsPerMinute: settings.requestsPerMinute,
            proofLinkLifetime: settings.proofLinkLifetime.seconds,
            proofLinkKey: try ProofLinkKey.loadOrCreate(at: configuration.proofLinkKeyPath),
            catalog: OrderCatalog(configuration.orderCatalog),
            version: HotfolderAgent.version, callbackHosts: configuration.callbacks.policy,
            limits: BridgeLimits(maxConnections: settings.maxConnections, idleTimeout: settings.idleTimeout,
                                 clientRequestsPerMinute: settings.clientRequestsPerMinute, metricsToken: settings.metricsToken))
    }
}
