import Bridge
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Starts a runner for every runnable job exactly once at a time: jobs claimed by the watchers right away,
/// and, by a sweep of the store every `sweepInterval`, jobs recovered at start-up or retried from the CLI.
final class JobDispatcher: Service {
    private let store: any JobStore
    private let runner: JobRunner
    private let logger: Logger
    private let requests: AsyncStream<JobID>
    private let continuation: AsyncStream<JobID>.Continuation
    private let inFlight = Mutex(Set<JobID>())
    static let sweepInterval = Duration.seconds(1)

    init(store: any JobStore, runner: JobRunner, logger: Logger) {
        self.store = store
        self.runner = runner
        self.logger = logger
        (requests, continuation) = AsyncStream<JobID>.makeStream(bufferingPolicy: .unbounded)
    }

    /// Asks for `id` to be run; ignored when it is already running.
    func enqueue(_ id: JobID) { continuation.yield(id) }

    var runningCount: Int { inFlight.withLock { $0.count } }

    func run() async throws {
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.sweepPeriodically() }
                for await id in requests {
                    let isNew = inFlight.withLock { $0.insert(id).inserted }
                    guard isNew else { continue }
                    group.addTask {
                        await self.runner.drive(id)
                        self.inFlight.withLock { _ = $0.remove(id) }
                    }
                }
                group.cancelAll()
            }
        } onGracefulShutdown: {
            self.continuation.finish()
        }
    }

    private func sweepPeriodically() async {
        let runnable = Set(JobState.allCases.filter(\.isRunnable))
        while !Task.isCancelled {
            do {
                // Runnable jobs, and ended ones whose original still waits in the claim area.
                let ended = try await store.jobs(matching: JobFilter(statuses: [.rejected, .cancelled], originalStillClaimed: true))
                for job in try await store.jobs(matching: JobFilter(statuses: runnable)) + ended {
                    let running = inFlight.withLock { $0.contains(job.id) }
                    if !running { continuation.yield(job.id) }
                }
            } catch {
                logger.error("cannot read runnable jobs from the store", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: Self.sweepInterval)
        }
    }
}
