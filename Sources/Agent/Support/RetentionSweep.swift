import Bridge
import Foundation
import JobStore
import Logging
import ServiceLifecycle

/// The daily sweep of `retention:`: a minute after start (not in the way of a restart's recovery), then
/// every 24 hours, it removes finished jobs, old delivery attempts and idempotency keys, and the purged
/// jobs' workspaces, so the store and the state directory stop growing with the shop's age.
struct RetentionSweep: Service {
    let purger: JobPurger
    let policy: @Sendable () -> RetentionPolicy
    let logger: Logger
    var firstDelay: Duration = .seconds(60)
    var interval: Duration = .seconds(86400)

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var delay = firstDelay
            while !Task.isCancelled {
                do { try await Task.sleep(for: delay) } catch { return }
                delay = interval
                await sweepOnce()
            }
        }
    }

    func sweepOnce() async {
        let started = ContinuousClock.now
        do {
            let report = try await purger.purge(policy().cutoffs(at: Date()), dryRun: false)
            logger.notice("retention sweep: removed \(report.summary)",
                          metadata: ["jobs": "\(report.jobs.count)", "ms": "\(started.duration(to: .now).components.seconds * 1000)"])
        } catch {
            // Nothing is lost by a sweep that fails; the next one tries again.
            logger.error("retention sweep failed; the next one tries again", metadata: ["error": "\(error)"])
        }
    }
}
