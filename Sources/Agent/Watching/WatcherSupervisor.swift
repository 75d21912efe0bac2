import Bridge
import Foundation
import JobStore
import Logging
import ServiceLifecycle

/// Runs one `HotFolderWatcher` per configured folder and follows config reloads: a new folder starts
/// being watched, a removed one stops, a changed one is stopped and started again with its new settings.
final class WatcherSupervisor: Service {
    private let inotify: InotifyThread
    private let store: any JobStore
    private let readiness: Readiness
    private let pause: IntakePause
    private let metrics: AgentMetrics?
    private let node: ClusterNode?
    private let logger: Logger
    private let onClaimed: @Sendable (JobID) -> Void
    private let changes: AsyncStream<[HotFolderConfiguration]>
    private let continuation: AsyncStream<[HotFolderConfiguration]>.Continuation

    init(folders: [HotFolderConfiguration], inotify: InotifyThread, store: any JobStore, readiness: Readiness,
         pause: IntakePause, metrics: AgentMetrics? = nil, node: ClusterNode? = nil, logger: Logger,
         onClaimed: @escaping @Sendable (JobID) -> Void) {
        self.node = node
        self.inotify = inotify
        self.store = store
        self.readiness = readiness
        self.pause = pause
        self.metrics = metrics
        self.logger = logger
        self.onClaimed = onClaimed
        (changes, continuation) = AsyncStream<[HotFolderConfiguration]>.makeStream(bufferingPolicy: .bufferingNewest(1))
        for folder in folders { readiness.block("hotfolder:" + folder.name, "the watcher has not started yet") }
        continuation.yield(folders)
    }

    /// Watches exactly `folders` from now on.
    func update(_ folders: [HotFolderConfiguration]) { continuation.yield(folders) }

    func run() async throws {
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                var running: [String: (watcher: HotFolderWatcher, finished: AsyncStream<Void>)] = [:]
                for await folders in changes {
                    let wanted = Dictionary(folders.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
                    for (name, entry) in running where wanted[name] != entry.watcher.folder {
                        // Stopped and awaited before a replacement starts: one inotify watch per inbox.
                        entry.watcher.stop()
                        for await _ in entry.finished {}
                        running[name] = nil
                        if wanted[name] == nil {
                            readiness.clear("hotfolder:" + name)
                            logger.info("hot folder removed from the config; no longer watched", metadata: ["hotfolder": "\(name)"])
                        }
                    }
                    for folder in folders where running[folder.name] == nil {
                        let watcher = HotFolderWatcher(folder: folder, inotify: inotify, store: store, logger: logger,
                                                       readiness: readiness, pause: pause, metrics: metrics, node: node, onClaimed: onClaimed)
                        let (finished, done) = AsyncStream<Void>.makeStream()
                        running[folder.name] = (watcher, finished)
                        group.addTask { [logger] in
                            do {
                                try await watcher.run()
                            } catch {
                                logger.error("hot folder watcher stopped", metadata: ["hotfolder": "\(folder.name)", "error": "\(error)"])
                            }
                            done.finish()
                        }
                    }
                }
                for entry in running.values { entry.watcher.stop() }
            }
        } onGracefulShutdown: {
            self.continuation.finish()
        }
    }
}
