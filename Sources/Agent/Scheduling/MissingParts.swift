import Bridge
import Foundation
import JobStore
import Logging

/// Fails a job whose parts stopped arriving: when its hot folder's `ticket_timeout` has passed since its last
/// part's file came and parts are still missing, the job fails naming them, and the parts it has move to
/// error/ with that reason beside them. A job no part has reached yet (an API job waiting for its upload)
/// waits on, as any job waiting for its file does.
struct MissingParts: Sendable {
    let store: any JobStore
    let logger: Logger
    /// Among several agents, each fails only the jobs it holds (whose parts are in its claim area).
    var node: ClusterNode?

    func failOverdue(_ configuration: AgentConfiguration, now: Date = Date()) async {
        do {
            for listed in try await store.jobs(matching: JobFilter(statuses: [.awaitingFile], heldBy: node?.name)) where listed.product.hasParts {
                // Read again just before: a part that arrived since the list was read is not missing.
                guard let job = try await store.job(listed.id), job.status == .awaitingFile,
                      let last = job.parts.map(\.receivedAt).max(), let name = job.hotfolder,
                      let folder = configuration.hotfolder(named: name),
                      now.timeIntervalSince(last) >= folder.ticketTimeout.seconds else { continue }
                if let node { guard try await node.hold(job.id) else { continue } }
                let missing = job.missingParts
                let reason = "the \(Self.list(missing)) did not arrive within \(Int(folder.ticketTimeout.seconds)) s of the "
                    + Self.list(job.parts.map(\.part)) + "; send every part of the order again"
                do {
                    try await JobFinisher(store: store, lease: node?.lease).finish(job, as: .failed, reason: reason, folder: folder, logger: logger)
                } catch JobStoreError.illegalTransition {
                    // The last part arrived meanwhile: nothing is missing any more.
                }
            }
        } catch {
            logger.error("cannot look for jobs whose parts stopped arriving", metadata: ["error": "\(error)"])
        }
    }

    /// "front", "front and back", "cover, flap and interior".
    static func list(_ names: [String]) -> String {
        guard names.count > 1 else { return names.first ?? "" }
        return names.dropLast().joined(separator: ", ") + " and " + names[names.count - 1]
    }
}
