import Foundation
import JobStore
import Logging
import ServiceLifecycle

/// Tells systemd how the agent is: READY=1 once every watcher and the bridge are up (again after a
/// reload), STATUS= with the queue every few seconds for `systemctl status`, STOPPING=1 when a stop begins.
///
/// Listed last in the ServiceGroup, so it is the first service told to stop and STOPPING=1 goes out before
/// the drain starts.
final class SystemdLink: Service {
    private let notifier: SystemdNotifier?
    private let readiness: Readiness
    private let status: @Sendable () async -> String
    private let logger: Logger
    static let statusInterval = Duration.seconds(5)

    init(notifier: SystemdNotifier?, readiness: Readiness, logger: Logger, status: @escaping @Sendable () async -> String) {
        self.notifier = notifier
        self.readiness = readiness
        self.logger = logger
        self.status = status
    }

    func run() async throws {
        guard let notifier else {
            try? await gracefulShutdown()
            return
        }
        await withGracefulShutdownHandler {
            await cancelWhenGracefulShutdown {
                await self.waitUntilStarted()
                guard !Task.isCancelled else { return }
                notifier.notify("READY=1", "STATUS=" + (await self.status()))
                self.logger.debug("told systemd the agent is ready")
                while !Task.isCancelled {
                    do { try await Task.sleep(for: Self.statusInterval) } catch { break }
                    notifier.notify("STATUS=" + (await self.status()))
                }
            }
        } onGracefulShutdown: {
            notifier.notify("STOPPING=1", "STATUS=stopping: letting running stages finish")
        }
    }

    /// A reload has begun (systemd shows the unit as reloading until `reloaded`).
    func reloading() {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let microseconds = UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1000
        notifier?.notify("RELOADING=1", "MONOTONIC_USEC=\(microseconds)", "STATUS=reloading the config")
    }

    /// A reload ended, applied or refused; either way the agent runs and is ready.
    func reloaded(_ outcome: String) async {
        await waitUntilStarted()
        notifier?.notify("READY=1", "STATUS=" + outcome + "; " + (await status()))
    }

    /// Watchers and bridge up; other problems (disk space) do not hold back readiness to systemd.
    private func waitUntilStarted() async {
        while !Task.isCancelled {
            if !readiness.current.keys.contains(where: { $0.hasPrefix("hotfolder:") || $0 == "bridge" }) { return }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }
}
