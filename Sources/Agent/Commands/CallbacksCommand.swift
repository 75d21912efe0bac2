import ArgumentParser
import Bridge
import Foundation
import JobStore

/// The delivery log of callbacks and webhooks, and redelivery of what ended dead: the operator's side of
/// "never lost" when an ERP was down for longer than the retry schedule.
struct CallbacksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "callbacks", abstract: "List callback and webhook deliveries; send dead ones again.",
        subcommands: [List.self, Redeliver.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List deliveries, newest first.")
        @OptionGroup var options: ConfigOption
        @Option(help: "Only the deliveries of this job (job_...).") var job: String?
        @Option(help: "Only deliveries in this state: pending, delivered, dead or refused.") var status: String?
        @Option(help: "At most this many.") var limit = 100
        @Flag(help: "Print a JSON array.") var json = false

        func run() async throws {
            let store = try await StoreOpener.open(options)
            var state: Delivery.Status?
            if let status {
                guard let parsed = Delivery.Status(rawValue: status) else { throw ValidationError("status is pending, delivered, dead or refused") }
                state = parsed
            }
            var deliveries: [Delivery]
            if let job {
                guard let id = JobID(job) else { throw ValidationError("'\(job)' is not a job id") }
                deliveries = try await store.deliveries(of: id).filter { state == nil || $0.status == state }.reversed()
            } else {
                deliveries = try await store.deliveries(status: state, limit: limit)
            }
            deliveries = Array(deliveries.prefix(limit))
            if json {
                let rows = deliveries.map { delivery -> [String: Any] in
                    ["id": delivery.id, "eventId": delivery.eventId, "jobId": delivery.jobId.rawValue, "endpoint": delivery.endpoint,
                     "webhook": delivery.subscription ?? NSNull(), "status": delivery.status.rawValue, "attempts": delivery.attempts,
                     "lastStatus": delivery.lastStatus ?? NSNull(), "lastError": delivery.lastError ?? NSNull()]
                }
                print(String(decoding: try JSONSerialization.data(withJSONObject: rows, options: [.prettyPrinted, .sortedKeys]), as: UTF8.self))
                return
            }
            if deliveries.isEmpty { print("no deliveries") }
            for delivery in deliveries {
                print([String(delivery.id), delivery.status.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0), delivery.eventId,
                       delivery.jobId.rawValue, "\(delivery.attempts) attempt(s)", delivery.endpoint,
                       delivery.lastError ?? ""].joined(separator: "  "))
            }
        }
    }

    struct Redeliver: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send a delivered, dead or refused delivery again, with a fresh retry schedule; the running agent sends it at once.",
            discussion: """
                With --status, every delivery that ended so is sent again (for example all refused ones, once \
                callbacks.allowed_networks lists their network), optionally only those of one job.
                """)
        @OptionGroup var options: ConfigOption
        @Argument(help: "The delivery's number, as `callbacks list` shows it.") var id: Int64?
        @Option(help: "Every delivery that ended in this state: dead, refused or delivered.") var status: String?
        @Option(help: "With --status: only the deliveries of this job (job_...).") var job: String?

        func validate() throws {
            guard (id == nil) != (status == nil) else { throw ValidationError("give a delivery number or --status, not both") }
            if let status, Delivery.Status(rawValue: status) == nil || status == "pending" {
                throw ValidationError("--status is dead, refused or delivered")
            }
            if job != nil && status == nil { throw ValidationError("--job goes with --status") }
            if let job, JobID(job) == nil { throw ValidationError("'\(job)' is not a job id") }
        }

        func run() async throws {
            let store = try await StoreOpener.open(options)
            guard let status = status.flatMap(Delivery.Status.init(rawValue:)) else {
                guard let id, try await store.redeliver(id) else {
                    StandardError.print("there is no delivery \(id ?? 0) that has ended; pending deliveries are sent at their next attempt")
                    throw ExitCode(1)
                }
                print("delivery \(id) queued")
                return
            }
            // The ids as they are now, each queued once: a running agent may end a queued one again (refused
            // again, delivered) before this is through, and that one is not this command's to repeat. Oldest
            // first, so each job's events go out in their order.
            let ended: [Delivery]
            if let job = job.flatMap(JobID.init) {
                ended = try await store.deliveries(of: job).filter { $0.status == status }
            } else {
                ended = try await store.deliveries(status: status, limit: 1_000_000).reversed()
            }
            var queued = 0
            for delivery in ended where try await store.redeliver(delivery.id) { queued += 1 }
            print(queued == 0 ? "no \(status.rawValue) deliveries" : "\(queued) \(status.rawValue) deliveries queued")
        }
    }
}
