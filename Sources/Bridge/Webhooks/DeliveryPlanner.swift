import Foundation
import JobStore
import Logging

/// Turns committed events into delivery rows, in event order, behind a durable cursor: the events are the
/// outbox (written in the transition's own transaction), so a crash between an event and its planning
/// only delays the planning.
struct DeliveryPlanner: Sendable {
    let configuration: BridgeConfiguration
    let store: any JobStore & DeliveryStore & WebhookStore
    let logger: Logger
    var batch = 200

    /// Plans what is there to plan; returns how many events it read.
    func planNextBatch() async throws -> Int {
        let through = try await store.plannedThrough()
        let events = try await store.events(after: through, limit: batch)
        guard let last = events.last else { return 0 }
        // The job's own callback URL belongs to whoever ordered it and may decide on the proof; webhook
        // subscribers see every job and get links that only show.
        let link = ProofLink(key: configuration.proofLinkKey)
        let forCallback = EventResource(resource: JobResource(configuration: configuration, store: store, proofLink: link, proofCapability: .decide))
        let forSubscribers = EventResource(resource: JobResource(configuration: configuration, store: store, proofLink: link, proofCapability: .view))
        var jobs: [JobID: Job?] = [:]
        var planned: [PlannedDelivery] = []
        let subscriptions = try await store.webhooks().filter { $0.disabledAt == nil }
        for event in events {
            if jobs[event.jobId] == nil { jobs[event.jobId] = .some(try await store.job(event.jobId)) }
            guard let job = jobs[event.jobId] ?? nil else { continue }
            let type = EventResource.type(of: event).rawValue
            let callback = callbackURL(of: job).map { (endpoint: $0, subscription: String?.none) }
            let targets = (callback.map { [$0] } ?? []) + subscriptions.filter { $0.wants(type) }.map { ($0.url, Optional($0.id)) }
            guard !targets.isEmpty else { continue }
            var bodies: [ProofLink.Capability: Data] = [:]
            for target in targets {
                let capability: ProofLink.Capability = target.1 == nil ? .decide : .view
                if bodies[capability] == nil {
                    bodies[capability] = try Self.encoder.encode((capability == .decide ? forCallback : forSubscribers).representation(of: event, job: job))
                }
                planned.append(PlannedDelivery(endpoint: target.0, subscription: target.1, eventSequence: event.globalSequence,
                                               eventId: event.id, jobId: job.id, body: bodies[capability]!))
            }
        }
        try await store.plan(planned, through: last.globalSequence)
        if !planned.isEmpty {
            logger.debug("planned callbacks", metadata: ["count": "\(planned.count)", "through": "\(last.globalSequence)"])
        }
        return events.count
    }

    /// The job's own callback URL (API job or ticket), else its hot folder's; nil when there is none.
    ///
    /// A URL the policy refuses (a ticket's is checked first here) is planned all the same: its attempt is
    /// refused before anything is sent and the delivery log shows it as `refused` with the reason, where an
    /// integrator looks, instead of events that vanish with a line in the agent's log.
    func callbackURL(of job: Job) -> String? {
        job.order.callbackURL ?? job.hotfolder.flatMap { name in configuration.hotfolders.first { $0.name == name }?.callbackURL }
    }

    /// The same JSON as the API writes: dates with milliseconds, slashes as they are.
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(try FlexibleDateTranscoder().encode(date))
        }
        return encoder
    }()
}
