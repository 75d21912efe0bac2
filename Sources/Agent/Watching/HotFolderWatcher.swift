import Bridge
import Foundation
import JobStore
import Logging
import ServiceLifecycle
import Synchronization

/// Watches one hot folder's inbox and hands every complete file to intake exactly once.
///
/// Inotify gives prompt notice on local disks; a rescan every `poll_interval` catches anything it missed,
/// and is the only source on network filesystems, where inotify sees nothing. Files already present at
/// start are found by the first scan.
final class HotFolderWatcher: Service {
    private enum Input: Sendable {
        case inotify(InotifyEvent)
        case tick
    }

    let folder: HotFolderConfiguration
    private let inotify: InotifyThread
    private let intake: Intake
    private let onClaimed: @Sendable (JobID) -> Void
    private let logger: Logger
    private let ignoreRules: IgnoreRules
    private let readiness: Readiness
    private let pause: IntakePause
    private let metrics: AgentMetrics?
    /// Files left in the inbox while intake is paused, so each is logged once, not at every look.
    private let heldBack = Mutex(Set<String>())
    /// Set by `stop()`; the input stream of a running watcher, so stopping can end it.
    private let stopRequest = Mutex<(stopped: Bool, inputs: AsyncStream<Input>.Continuation?)>((false, nil))
    /// How often due candidates are re-checked; bounds the extra wait past `stability`.
    static let tickInterval = Duration.milliseconds(200)

    init(folder: HotFolderConfiguration, inotify: InotifyThread, store: any JobStore, logger: Logger,
         readiness: Readiness = Readiness(), pause: IntakePause = IntakePause(), metrics: AgentMetrics? = nil,
         node: ClusterNode? = nil, onClaimed: @escaping @Sendable (JobID) -> Void) {
        self.folder = folder
        self.metrics = metrics
        self.readiness = readiness
        self.pause = pause
        readiness.block("hotfolder:" + folder.name, "the watcher has not started yet")
        self.inotify = inotify
        var logger = logger
        logger[metadataKey: "hotfolder"] = "\(folder.name)"
        self.logger = logger
        self.intake = Intake(folder: folder, store: store, logger: logger, node: node)
        self.onClaimed = onClaimed
        self.ignoreRules = IgnoreRules(patterns: folder.ignore)
    }

    func run() async throws {
        for directory in folder.layout.all + [folder.layout.claims] { try FileOperations.createDirectory(directory) }
        let filesystem = FilesystemKind.of(path: folder.layout.inbox)
        var events: AsyncStream<InotifyEvent>?
        if folder.watch == .poll {
            logger.info("polling only, as configured")
        } else if filesystem.usesInotify {
            do {
                events = try await inotify.watch(folder.layout.inbox)
            } catch {
                logger.warning("inotify unavailable for this folder; polling only", metadata: ["error": "\(error)"])
            }
        } else if case .network(let type) = filesystem {
            logger.info("inbox is on a network filesystem; polling only", metadata: ["filesystem": "\(type)"])
        }
        logger.info("watching hot folder", metadata: ["inbox": "\(folder.layout.inbox)",
                                                      "mode": "\(events == nil ? "polling" : "inotify+polling")",
                                                      "poll_interval_s": "\(folder.pollInterval.seconds)"])
        let (inputs, continuation) = AsyncStream<Input>.makeStream(bufferingPolicy: .unbounded)
        let stoppedAlready = stopRequest.withLock { request in
            request.inputs = continuation
            return request.stopped
        }
        if stoppedAlready { continuation.finish() }
        readiness.clear("hotfolder:" + folder.name)
        defer { readiness.block("hotfolder:" + folder.name, "the watcher has stopped") }
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                if let events {
                    group.addTask {
                        for await event in events { continuation.yield(.inotify(event)) }
                    }
                }
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: Self.tickInterval)
                        continuation.yield(.tick)
                    }
                    continuation.finish()
                }
                group.addTask { await self.process(inputs) }
                await group.next()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            continuation.finish()
        }
        inotify.unwatch(folder.layout.inbox)
        logger.info("stopped watching hot folder")
    }

    /// Stops this watcher alone (its folder was removed or changed by a reload); the file it is taking, if
    /// any, is taken first.
    func stop() {
        let inputs = stopRequest.withLock { request in
            request.stopped = true
            return request.inputs
        }
        inputs?.finish()
    }

    private func process(_ inputs: AsyncStream<Input>) async {
        var tracker = CompletenessTracker(stability: folder.stability)
        let clock = ContinuousClock()
        var nextScan = clock.now
        var isFirstScan = true
        for await input in inputs {
            let now = clock.now
            switch input {
            case .inotify(.movedIn(let name)):
                guard !ignoreRules.ignores(name) else { continue }
                tracker.forget(name)
                await take(name, evidence: .renamed, tracker: &tracker)
            case .inotify(.closedAfterWriting(let name)), .inotify(.created(let name)):
                guard !ignoreRules.ignores(name),
                      let snapshot = FileSnapshot.of(folder.layout.inbox + "/" + name) else { continue }
                let evidence: CompletenessTracker.Evidence
                if case .inotify(.created) = input { evidence = .created } else { evidence = .closed }
                if tracker.note(name, evidence, snapshot: snapshot, now: now) {
                    await take(name, evidence: .written, tracker: &tracker)
                }
            case .inotify(.overflow):
                logger.warning("inotify queue overflowed; rescanning the inbox")
                metrics?.inotifyOverflowed(folder.name)
                tracker.forgetWriters()
                await scan(&tracker, evidence: .scanned)
                nextScan = now + folder.pollInterval
            case .inotify(.folderGone):
                logger.error("the inbox was deleted or moved away; recreate it to resume", metadata: ["inbox": "\(folder.layout.inbox)"])
            case .tick:
                if now >= nextScan {
                    await scan(&tracker, evidence: isFirstScan ? .startup : .scanned)
                    isFirstScan = false
                    nextScan = now + folder.pollInterval
                }
                for name in tracker.due(at: now) {
                    guard let snapshot = FileSnapshot.of(folder.layout.inbox + "/" + name) else {
                        tracker.forget(name)
                        continue
                    }
                    if tracker.observe(name, snapshot: snapshot, now: now) {
                        await take(name, evidence: .written, tracker: &tracker)
                    }
                }
            }
        }
    }

    /// Lists the inbox and starts tracking every eligible file not yet tracked.
    private func scan(_ tracker: inout CompletenessTracker, evidence: Intake.Evidence) async {
        let inbox = folder.layout.inbox
        metrics?.rescanned(folder.name)
        let names = (try? await Blocking.run { try FileManager.default.contentsOfDirectory(atPath: inbox) }) ?? []
        let now = ContinuousClock.now
        for name in names.sorted() where !ignoreRules.ignores(name) && !tracker.isTracking(name) {
            guard let snapshot = FileSnapshot.of(inbox + "/" + name) else { continue }
            if tracker.note(name, .scanned, snapshot: snapshot, now: now) {
                await take(name, evidence: evidence, tracker: &tracker)
            }
        }
    }

    private func take(_ name: String, evidence: Intake.Evidence, tracker: inout CompletenessTracker) async {
        guard !pause.isPaused else {
            // Left in the inbox, looked at again later; nothing is claimed while intake is paused.
            if heldBack.withLock({ $0.insert(name).inserted }) {
                logger.warning("intake paused; file left in the inbox", metadata: ["file": "\(name)",
                                                                                  "reason": "\(pause.reason ?? "")"])
            }
            lookAgain(at: name, after: .seconds(2), tracker: &tracker)
            return
        }
        heldBack.withLock { _ = $0.remove(name) }
        switch await intake.take(name, evidence: evidence) {
        case .claimed(let id):
            tracker.forget(name)
            metrics?.fileDetected(in: folder.name)
            onClaimed(id)
        case .setAside:
            tracker.forget(name)
            metrics?.fileDetected(in: folder.name)
        case .vanished:
            tracker.forget(name)
        case .waiting:
            lookAgain(at: name, after: .seconds(1), tracker: &tracker)
        case .notReadableYet:
            logger.info("file cannot be read yet; will retry", metadata: ["file": "\(name)",
                                                                        "retry_in_s": "\(folder.stability.seconds)"])
            lookAgain(at: name, after: max(folder.stability, .seconds(1)), tracker: &tracker)
        }
    }

    /// Keeps a file that was not taken this time in view, to be tried again after `delay`.
    private func lookAgain(at name: String, after delay: Duration, tracker: inout CompletenessTracker) {
        if !tracker.isTracking(name), let snapshot = FileSnapshot.of(folder.layout.inbox + "/" + name) {
            _ = tracker.note(name, .scanned, snapshot: snapshot, now: .now)
        }
        tracker.postpone(name, by: delay, now: .now)
    }
}
