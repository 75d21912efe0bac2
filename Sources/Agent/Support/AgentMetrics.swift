import Bridge
import Foundation
import JobStore
import Metrics
import Prometheus

/// What GET /metrics shows, in the Prometheus text format: counters and stage-duration histograms kept as
/// things happen, and gauges (jobs by state, queue, oldest open job, deliveries, free space) read when
/// Prometheus scrapes. The bridge's own figures (requests by route and status, webhook attempts) arrive
/// through swift-metrics, backed by the same registry.
final class AgentMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()

    /// Makes this registry the backend of swift-metrics for the whole process (once, at start).
    func bootstrap() {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets["hotfolder_bridge_request_duration_seconds"] =
            [.milliseconds(1), .milliseconds(5), .milliseconds(25), .milliseconds(100), .milliseconds(500), .seconds(2), .seconds(10)]
        MetricsSystem.bootstrap(factory)
    }

    // MARK: Kept as things happen

    func fileDetected(in folder: String) {
        registry.makeCounter(name: "hotfolder_files_detected_total", labels: [("hotfolder", folder)],
                             help: "Files taken from a hot folder's inbox (claimed as jobs or set aside).").increment()
    }

    func rescanned(_ folder: String) {
        registry.makeCounter(name: "hotfolder_rescans_total", labels: [("hotfolder", folder)],
                             help: "Full listings of a hot folder's inbox (polling, and after inotify overflows).").increment()
    }

    func inotifyOverflowed(_ folder: String) {
        registry.makeCounter(name: "hotfolder_inotify_overflows_total", labels: [("hotfolder", folder)],
                             help: "Times the kernel's inotify queue overflowed; each is followed by a rescan.").increment()
    }

    /// A stage's wall time, including the worker process start; failed and timed-out stages count too.
    func stageFinished(_ stage: String, folder: String, after duration: Duration) {
        registry.makeDurationHistogram(name: "hotfolder_stage_duration_seconds", labels: [("stage", stage), ("hotfolder", folder)],
                                       buckets: [.milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2),
                                                 .seconds(5), .seconds(10), .seconds(30), .seconds(60), .seconds(120), .seconds(300)],
                                       help: "Wall time of one preflight, proof or print-ready stage in its worker process.")
            .record(duration)
    }

    // MARK: Read at scrape time

    struct Sources: Sendable {
        var store: any AgentStore
        var slots: WorkerSlots
        var diskGuard: DiskGuard
    }

    func text(from sources: Sources) async -> String {
        let counts = (try? await sources.store.jobCounts()) ?? [:]
        for state in JobState.allCases {
            registry.makeGauge(name: "hotfolder_jobs", labels: [("state", state.rawValue)], help: "Jobs in the store by state.")
                .set(Double(counts[state] ?? 0))
        }
        let runnable = JobState.allCases.filter(\.isRunnable)
        let running = await sources.slots.runningCount
        let waiting = await sources.slots.waitingCount
        registry.makeGauge(name: "hotfolder_stages_running", help: "Worker processes running a stage now.").set(Double(running))
        registry.makeGauge(name: "hotfolder_queue_depth",
                           help: "Jobs that can go on but have no worker yet: waiting for a slot, or runnable and not started.")
            .set(Double(max(waiting, runnable.reduce(0) { $0 + (counts[$1] ?? 0) } - running)))
        let open = Set(JobState.allCases.filter { !$0.isTerminal })
        let oldest = try? await sources.store.jobs(matching: JobFilter(statuses: open, order: .oldestFirst, limit: 1)).first
        registry.makeGauge(name: "hotfolder_oldest_open_job_age_seconds",
                           help: "Age of the oldest job not yet finished (0 when none); includes jobs awaiting approval.")
            .set(oldest.map { Date().timeIntervalSince($0.createdAt) } ?? 0)
        let deliveries = (try? await sources.store.deliveryCounts()) ?? [:]
        for status in Delivery.Status.allCases {
            registry.makeGauge(name: "hotfolder_webhook_deliveries", labels: [("status", status.rawValue)],
                               help: "Callback and webhook deliveries in the store by status (dead ones can be redelivered).")
                .set(Double(deliveries[status] ?? 0))
        }
        for reading in sources.diskGuard.lastReadings {
            registry.makeGauge(name: "hotfolder_filesystem_free_bytes", labels: [("path", reading.path)],
                               help: "Free bytes for the agent on each filesystem it writes to (one path named per filesystem).")
                .set(Double(reading.freeBytes))
        }
        return registry.emitToString()
    }
}
