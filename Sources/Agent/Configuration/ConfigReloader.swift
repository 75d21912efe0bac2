import Bridge
import Foundation
import JobStore
import Logging
import ServiceLifecycle

/// Re-reads the config on SIGHUP (`systemctl reload`). A valid config takes effect without a restart: new
/// folders are watched, removed ones stop after their running jobs, changed settings apply to jobs as they
/// start their next run. An invalid one is refused with every problem logged, and the old one stays.
final class ConfigReloader: Service {
    private let live: LiveConfiguration
    private let slots: WorkerSlots
    private let catalog: OrderCatalog
    private let watchers: WatcherSupervisor
    private let store: any JobStore
    private let systemd: SystemdLink
    /// This server among several sharing the store (nil when alone): a new folder's claims are recovered as its.
    private let node: ClusterNode?
    private let logger: Logger
    private let hangups: AsyncStream<Void>
    private let hangupContinuation: AsyncStream<Void>.Continuation
    /// Dispatch sources are safe to cancel from any thread; the type just does not say so.
    nonisolated(unsafe) private let source: any DispatchSourceSignal

    /// Takes over SIGHUP at once, before any service runs: its default action would end the agent.
    init(live: LiveConfiguration, slots: WorkerSlots, catalog: OrderCatalog, watchers: WatcherSupervisor,
         store: any JobStore, systemd: SystemdLink, node: ClusterNode?, logger: Logger) {
        self.live = live
        self.slots = slots
        self.catalog = catalog
        self.watchers = watchers
        self.store = store
        self.systemd = systemd
        self.node = node
        self.logger = logger
        signal(SIGHUP, SIG_IGN)
        (hangups, hangupContinuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        source = DispatchSource.makeSignalSource(signal: SIGHUP)
        source.setEventHandler { [hangupContinuation] in hangupContinuation.yield() }
        source.resume()
    }

    func run() async throws {
        defer { source.cancel() }
        await withGracefulShutdownHandler {
            for await _ in hangups { await self.reload() }
        } onGracefulShutdown: {
            self.hangupContinuation.finish()
        }
    }

    func reload() async {
        systemd.reloading()
        let old = live.current
        logger.notice("reloading the config", metadata: ["config": "\(old.file)"])
        let new: AgentConfiguration
        do {
            new = try ConfigLoader().load(path: old.file)
        } catch {
            for line in error.description.split(separator: "\n") {
                logger.error("config refused: \(line)")
            }
            logger.error("config reload refused; the agent keeps running on the config it had", metadata: ["config": "\(old.file)"])
            await systemd.reloaded("config reload refused, see the log; running on the previous config")
            return
        }
        for setting in Self.settingsNeedingRestart(old, new) {
            logger.warning("this setting changed but takes effect only after a restart", metadata: ["setting": "\(setting)"])
        }
        let oldNames = Set(old.hotfolders.map(\.name))
        let added = new.hotfolders.filter { !oldNames.contains($0.name) }
        if !added.isEmpty {
            var recovering = new
            recovering.hotfolders = added
            do {
                try await Recovery(configuration: recovering, store: store, logger: logger, node: node).run()
            } catch {
                logger.error("cannot prepare a new hot folder's claim area", metadata: ["error": "\(error)"])
            }
        }
        live.replace(with: new)
        await slots.update(total: new.workers, limits: new.folderConcurrency)
        catalog.replace(with: new.orderCatalog)
        watchers.update(new.hotfolders)
        let newNames = Set(new.hotfolders.map(\.name))
        let changed = new.hotfolders.filter { folder in old.hotfolder(named: folder.name).map { $0 != folder } ?? false }
        logger.notice("config reloaded", metadata: [
            "added": "\(added.map(\.name).joined(separator: ","))",
            "removed": "\(oldNames.subtracting(newNames).sorted().joined(separator: ","))",
            "changed": "\(changed.map(\.name).joined(separator: ","))",
        ])
        await systemd.reloaded("config reloaded")
    }

    /// Settings read once at start (listening socket, store, callback sender).
    static func settingsNeedingRestart(_ old: AgentConfiguration, _ new: AgentConfiguration) -> [String] {
        var settings: [String] = []
        if old.stateDirectory != new.stateDirectory { settings.append("state_dir") }
        if old.store != new.store { settings.append("store") }
        if old.sharedDirectory != new.sharedDirectory { settings.append("shared_dir") }
        if old.node != new.node { settings.append("node") }
        if old.bridge != new.bridge { settings.append("bridge") }
        if old.callbacks != new.callbacks { settings.append("callbacks") }
        return settings
    }
}
