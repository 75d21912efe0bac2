import Bridge
import Foundation

/// The Prometheus text the bridge serves at /metrics: jobs by state for now; the full set arrives with the
/// service work (swift-prometheus).
struct JobMetrics: Sendable {
    let store: any JobStore

    func text() async -> String {
        var lines = ["# HELP hotfolder_jobs Jobs in the store by state.", "# TYPE hotfolder_jobs gauge"]
        let counts = (try? await store.jobCounts()) ?? [:]
        for state in JobState.allCases {
            lines.append("hotfolder_jobs{state=\"\(state.rawValue)\"} \(counts[state] ?? 0)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
