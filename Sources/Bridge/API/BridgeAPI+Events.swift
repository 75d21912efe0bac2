import Foundation
import JobStore

extension BridgeAPI {
    /// Events go to every `jobs:read` holder and are copied into logs: their proof links only show.
    private var feedResource: JobResource {
        JobResource(configuration: configuration, store: store, proofLink: ProofLink(key: configuration.proofLinkKey), proofCapability: .view)
    }

    func getJobEvents(_ input: Operations.GetJobEvents.Input) async throws -> Operations.GetJobEvents.Output {
        let job = try await existingJob(input.path.id)
        let events = try await store.events(of: job.id)
        return .ok(.init(body: .json(.init(
            events: events.map { EventResource(resource: feedResource).representation(of: $0, job: job) },
            lastSequence: events.map(\.globalSequence).max() ?? 0))))
    }

    func listEvents(_ input: Operations.ListEvents.Input) async throws -> Operations.ListEvents.Output {
        let after = input.query.after ?? 0
        let wait = input.query.wait ?? 0
        let limit = input.query.limit ?? 100
        guard after >= 0 else { throw APIError.invalid("after", "after is a sequence number, 0 or more") }
        guard (0...60).contains(wait) else { throw APIError.invalid("wait", "wait is 0 to 60 seconds") }
        guard (1...500).contains(limit) else { throw APIError.invalid("limit", "limit must be between 1 and 500") }
        let events = try await EventFeed(store: store).events(after: after, limit: limit, wait: .seconds(wait))
        var jobs: [JobID: Job] = [:]
        var items: [Components.Schemas.Event] = []
        for event in events {
            if jobs[event.jobId] == nil { jobs[event.jobId] = try await store.job(event.jobId) }
            items.append(EventResource(resource: feedResource).representation(of: event, job: jobs[event.jobId]))
        }
        return .ok(.init(body: .json(.init(events: items, lastSequence: events.last?.globalSequence ?? after))))
    }
}
