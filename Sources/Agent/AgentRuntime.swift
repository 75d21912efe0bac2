import Bridge
import Foundation
import Logging
import ServiceLifecycle

/// Builds the running agent from a configuration: store, recovery, watchers, dispatcher, all in one
/// ServiceGroup that SIGTERM and SIGINT stop gracefully.
struct AgentRuntime {
    let configuration: AgentConfiguration
    let logger: Logger
    let store: SQLiteJobStore

    init(configuration: AgentConfiguration, logger: Logger) async throws {
        self.configuration = configuration
        self.logger = logger
        try FileOperations.createDirectory(configuration.jobsDirectory)
        store = try SQLiteJobStore(path: configuration.databasePath)
    }

    func run() async throws {
        try await Recovery(configuration: configuration, store: store, logger: logger).run()
        let inotify = InotifyThread(logger: logger)
        defer { inotify.stop() }
        let slots = WorkerSlots(total: configuration.workers,
                                limits: Dictionary(uniqueKeysWithValues: configuration.hotfolders.map { ($0.name, $0.maxConcurrent) }))
        let runner = JobRunner(configuration: configuration, store: store, slots: slots,
                               worker: WorkerProcess(executable: WorkerProcess.currentExecutable, limits: configuration.limits),
                               logger: logger)
        let dispatcher = JobDispatcher(store: store, runner: runner, logger: logger)
        let readiness = Readiness()
        let watchers = configuration.hotfolders.map { folder in
            HotFolderWatcher(folder: folder, inotify: inotify, store: store, logger: logger, readiness: readiness) { id in
                dispatcher.enqueue(id)
            }
        }
        let bridgeSettings = try bridgeConfiguration()
        let callbacks = try CallbackDelivery(
            configuration: bridgeSettings,
            callbacks: CallbackConfiguration(secret: try CallbackSecret.loadOrCreate(configured: configuration.callbacks.secret,
                                                                                     at: configuration.stateDirectory + "/callback-secret",
                                                                                     logger: logger),
                                             retrySchedule: configuration.callbacks.retrySchedule),
            store: store, logger: logger)
        let bridge = try BridgeServer(configuration: bridgeSettings, store: store, hooks: BridgeHooks(
            jobIsRunnable: { dispatcher.enqueue($0) },
            jobEnded: { dispatcher.enqueue($0) },
            unreadiness: { [stateDirectory = configuration.stateDirectory] in
                var problems = readiness.current
                if !StateDirectoryProbe.isWritable(stateDirectory) { problems["state_dir"] = "\(stateDirectory) is not writable" }
                return problems
            },
            metrics: { [store] in await JobMetrics(store: store).text() }
        ), logger: logger).makeService()
        logger.info("agent started", metadata: [
            "config": "\(configuration.file)", "state_dir": "\(configuration.stateDirectory)",
            "workers": "\(configuration.workers)", "hotfolders": "\(configuration.hotfolders.map(\.name).joined(separator: ","))",
        ])
        // Until reload lands, SIGHUP (systemctl reload) must not end the agent, as its default action would.
        signal(SIGHUP, SIG_IGN)
        let hangups = DispatchSource.makeSignalSource(signal: SIGHUP)
        hangups.setEventHandler { logger.warning("SIGHUP received; reloading the config is not supported yet, restart the agent to apply changes") }
        hangups.resume()
        defer { hangups.cancel() }
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [.init(service: dispatcher)] + watchers.map { .init(service: $0) } + [.init(service: bridge), .init(service: callbacks)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        ))
        try await group.run()
        logger.info("agent stopped")
    }

    private func bridgeConfiguration() throws -> BridgeConfiguration {
        let settings = configuration.bridge
        return BridgeConfiguration(
            host: settings.host, port: settings.port, publicURL: settings.publicURL, jobsDirectory: configuration.jobsDirectory,
            maxUploadBytes: settings.maxUploadBytes, requestsPerMinute: settings.requestsPerMinute,
            proofLinkLifetime: settings.proofLinkLifetime.seconds,
            proofLinkKey: try ProofLinkKey.loadOrCreate(at: configuration.proofLinkKeyPath),
            hotfolders: configuration.hotfolders.map {
                HotfolderDefaults(name: $0.name, product: $0.product, approval: $0.approval, callbackURL: $0.callbackURL)
            },
            version: HotfolderAgent.version, callbackHosts: CallbackHostPolicy(allowedHosts: configuration.callbacks.allowedHosts))
    }
}
