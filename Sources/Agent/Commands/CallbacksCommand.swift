import ArgumentParser
import Bridge
import Foundation

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
            let store = try StoreOpener.open(options)
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
        static let configuration = CommandConfiguration(abstract: "Send a delivered, dead or refused delivery again, with a fresh retry schedule; the running agent sends it at once.")
        @OptionGroup var options: ConfigOption
        @Argument(help: "The delivery's number, as `callbacks list` shows it.") var id: Int64

        func run() async throws {
            guard try await StoreOpener.open(options).redeliver(id) else {
                StandardError.print("there is no delivery \(id) that has ended; pending deliveries are sent at their next attempt")
                throw ExitCode(1)
            }
            print("delivery \(id) queued")
        }
    }
}
