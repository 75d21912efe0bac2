import Foundation
import JobStore
import Logging
import ServiceLifecycle
import Synchronization

/// Pauses intake while the state directory or a hot folder's output filesystem has less free space than
/// `limits.min_free_space`, so a full disk never leaves half-written outputs or a store that cannot commit.
/// /readyz names the filesystem by what it holds ("the state directory", "hot folder 'cards'"), never by
/// path (readiness answers anyone); the log has the path. Intake resumes by itself when space returns.
final class DiskGuard: Service {
    /// One filesystem's free space at the last check, for /metrics.
    struct Reading: Sendable, Equatable {
        var path: String
        /// What the filesystem holds, in words.
        var label: String
        var freeBytes: UInt64
    }

    private let live: LiveConfiguration
    private let pause: IntakePause
    private let readiness: Readiness
    private let logger: Logger
    private let readings = Mutex([Reading]())
    static let checkInterval = Duration.seconds(5)

    init(live: LiveConfiguration, pause: IntakePause, readiness: Readiness, logger: Logger) {
        self.live = live
        self.pause = pause
        self.readiness = readiness
        self.logger = logger
    }

    /// Free bytes per watched filesystem (one path per filesystem) at the last check.
    var lastReadings: [Reading] { readings.withLock { $0 } }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                // statvfs on a hung network mount can block for minutes: never on the cooperative pool.
                _ = try? await Blocking.run { self.check() }
                try? await Task.sleep(for: Self.checkInterval)
            }
        }
    }

    /// Reads every filesystem once and pauses or resumes intake.
    func check() {
        let configuration = live.current
        let paths = [(configuration.stateDirectory, "the state directory")] + configuration.hotfolders.flatMap { folder in
            [folder.layout.work, folder.layout.printReady, folder.layout.proofs, folder.layout.reports, folder.layout.originals,
             folder.layout.error].map { ($0, "hot folder '\(folder.name)'") }
        }
        var seen = Set<UInt64>()
        var current: [Reading] = []
        for (path, label) in paths {
            var info = statvfs()
            guard statvfs(path, &info) == 0, seen.insert(UInt64(info.f_fsid)).inserted else { continue }
            current.append(Reading(path: path, label: label, freeBytes: UInt64(info.f_bavail) * UInt64(info.f_frsize)))
        }
        readings.withLock { $0 = current }
        let minimum = configuration.minimumFreeBytes
        let short = minimum == 0 ? [] : current.filter { $0.freeBytes < minimum }
        if let low = short.first {
            let reason = "only \(Self.format(low.freeBytes)) free on the filesystem of \(low.label), below min_free_space "
                + "\(Self.format(minimum)); new files wait in the inbox until space is freed"
            if pause.current["disk"] != reason {
                if pause.current["disk"] == nil { logger.error("intake paused: disk space low", metadata: ["path": "\(low.path)", "free_bytes": "\(low.freeBytes)"]) }
                pause.pause("disk", reason: reason)
                readiness.block("disk", reason)
            }
        } else if pause.current["disk"] != nil {
            pause.resume("disk")
            readiness.clear("disk")
            logger.notice("intake resumed: disk space is back above min_free_space")
        }
    }

    static func format(_ bytes: UInt64) -> String {
        let gib = Double(bytes) / 1_073_741_824
        return gib >= 1 ? String(format: "%.1f GiB", gib) : String(format: "%.0f MiB", Double(bytes) / 1_048_576)
    }
}
