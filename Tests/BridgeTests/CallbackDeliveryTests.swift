@testable import Bridge
import Foundation
import GRDB
import Logging
import Pipeline
import ServiceLifecycle
import TestFixtures
import Testing

/// Real deliveries from a real store to a real loopback receiver.
@Suite(.serialized) struct CallbackDeliveryTests {
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

    struct Rig {
        let store: SQLiteJobStore
        let group: ServiceGroup
        let task: Task<Void, any Error>

        func stop() async {
            await group.triggerGracefulShutdown()
            _ = try? await task.value
        }
    }

    private func start(schedule: [Duration]) async throws -> Rig {
        let directory = try makeTemporaryDirectory("callbacks")
        let store = try SQLiteJobStore(path: directory.appendingPathComponent("jobs.sqlite").path)
        let configuration = BridgeConfiguration(jobsDirectory: directory.appendingPathComponent("jobs").path, proofLinkKey: Data(repeating: 1, count: 32),
                                                hotfolders: [HotfolderDefaults(name: "cards", product: ProductSpec(), approval: .auto)],
                                                callbackHosts: .loopbackAllowed())
        var logger = Logger(label: "callbacks-test")
        logger.logLevel = .critical
        let service = try CallbackDelivery(configuration: configuration, callbacks: CallbackConfiguration(secret: Self.secret, retrySchedule: schedule),
                                           store: store, logger: logger)
        let group = ServiceGroup(services: [service], logger: logger)
        return Rig(store: store, group: group, task: Task { try await group.run() })
    }

    private func makeJob(_ store: SQLiteJobStore, callback: String) async throws -> JobID {
        let job = Job(id: .generate(), status: .received, hotfolder: "cards", fileName: "a.pdf", claimedPath: nil, originalPath: nil,
                      sha256: nil, sizeBytes: nil, kind: .pdf, externalId: "ORD-1", product: ProductSpec(), createdAt: Date(), updatedAt: Date(),
                      order: JobOrder(callbackURL: callback))
        try await store.create(job, detail: nil)
        return job.id
    }

    /// Waits (bounded, so a broken build cannot hang CI) until every delivery of the job has ended.
    private func settled(_ store: SQLiteJobStore, _ id: JobID, count: Int) async throws -> [Delivery] {
        for _ in 0..<300 {
            let deliveries = try await store.deliveries(of: id)
            if deliveries.count == count && deliveries.allSatisfy({ $0.status != .pending }) { return deliveries }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("deliveries did not settle: \(try await store.deliveries(of: id).map { ($0.eventId, $0.status, $0.attempts) })")
        throw CancellationError()
    }

    @Test func failedAttemptsAreRetriedAndEventsArriveSignedAndInOrder() async throws {
        let receiver = try await LoopbackReceiver.start()
        defer { Task { await receiver.stop() } }
        receiver.answerNext(.init(status: .serviceUnavailable), .init(status: .serviceUnavailable))
        let rig = try await start(schedule: [.zero, .milliseconds(200), .milliseconds(200), .milliseconds(200)])
        defer { Task { await rig.stop() } }
        let id = try await makeJob(rig.store, callback: receiver.url)
        try await rig.store.transition(id, to: .preflighting)
        try await rig.store.transition(id, to: .preflightPassed)
        let deliveries = try await settled(rig.store, id, count: 3)
        #expect(deliveries.allSatisfy { $0.status == .delivered })
        #expect(deliveries.first?.attempts == 3 && deliveries.dropFirst().allSatisfy { $0.attempts == 1 })
        let received = receiver.received
        // Every attempt of an event has its id; the accepted ones arrive in the job's order.
        let ids = deliveries.map(\.eventId)
        #expect(ids.allSatisfy { $0.hasPrefix("evt_") && $0.count == 30 } && Set(ids).count == 3)
        #expect(received.map { $0.headers["webhook-id"] ?? "" } == [ids[0], ids[0], ids[0], ids[1], ids[2]])
        let signer = try WebhookSignature(secret: Self.secret)
        for request in received {
            let id = request.headers["webhook-id"] ?? "", timestamp = Int64(request.headers["webhook-timestamp"] ?? "") ?? 0
            #expect(request.headers["webhook-signature"] == signer.signature(id: id, timestamp: timestamp, body: request.body))
        }
        let last = try #require(try JSONSerialization.jsonObject(with: received.last!.body) as? [String: Any])
        #expect(last["type"] as? String == "job.preflight_passed" && last["id"] as? String == ids[2])
        #expect((last["data"] as? [String: Any])?["previousStatus"] as? String == "preflighting")
        let attempts = try await rig.store.attempts(of: try #require(deliveries.first?.id))
        #expect(attempts.map(\.httpStatus) == [503, 503, 200])
    }

    @Test func goneEndsADeliveryAndTheScheduleEndsInDead() async throws {
        let receiver = try await LoopbackReceiver.start()
        defer { Task { await receiver.stop() } }
        receiver.answerNext(.init(status: .gone), .init(status: .internalServerError), .init(status: .internalServerError))
        let rig = try await start(schedule: [.zero, .milliseconds(100)])
        defer { Task { await rig.stop() } }
        let id = try await makeJob(rig.store, callback: receiver.url)
        try await rig.store.transition(id, to: .preflighting)
        let deliveries = try await settled(rig.store, id, count: 2)
        #expect(deliveries.map(\.status) == [.dead, .dead])
        #expect(deliveries.map(\.attempts) == [1, 2] && deliveries.map(\.lastStatus) == [410, 500])
    }

    @Test func subscriptionsGetTheEventsTheyAskForSignedWithTheirOwnSecretUntil410() async throws {
        let receiver = try await LoopbackReceiver.start()
        defer { Task { await receiver.stop() } }
        let rig = try await start(schedule: [.zero, .milliseconds(100)])
        defer { Task { await rig.stop() } }
        let webhook = WebhookSubscription(id: WebhookSubscription.newID(), url: receiver.url + "/subscribed", events: ["job.cancelled"],
                                          description: nil, secret: WebhookSignature.generateSecret(), createdAt: Date())
        try await rig.store.createWebhook(webhook)
        let job = Job(id: .generate(), status: .received, hotfolder: "cards", fileName: "a.pdf", claimedPath: nil, originalPath: nil,
                      sha256: nil, sizeBytes: nil, kind: .pdf, externalId: nil, product: ProductSpec(), createdAt: Date(), updatedAt: Date())
        try await rig.store.create(job, detail: nil)
        try await rig.store.transition(job.id, to: .cancelled)
        let deliveries = try await settled(rig.store, job.id, count: 1)
        #expect(deliveries.first?.status == .delivered && deliveries.first?.subscription == webhook.id)
        let request = try #require(receiver.received.first)
        let eventId = try #require(deliveries.first?.eventId)
        #expect(request.path == "/hook/subscribed" && request.headers["webhook-id"] == eventId)
        let signer = try WebhookSignature(secret: webhook.secret)
        #expect(request.headers["webhook-signature"] == signer.signature(id: eventId, timestamp: Int64(request.headers["webhook-timestamp"] ?? "") ?? 0,
                                                                         body: request.body))
        // 410 Gone: the subscription is disabled and gets nothing more.
        receiver.answerNext(.init(status: .gone))
        let second = Job(id: .generate(), status: .received, hotfolder: "cards", fileName: "b.pdf", claimedPath: nil, originalPath: nil,
                         sha256: nil, sizeBytes: nil, kind: .pdf, externalId: nil, product: ProductSpec(), createdAt: Date(), updatedAt: Date())
        try await rig.store.create(second, detail: nil)
        try await rig.store.transition(second.id, to: .cancelled)
        _ = try await settled(rig.store, second.id, count: 1)
        #expect(try await rig.store.webhook(webhook.id)?.disabledAt != nil)
    }

    @Test func aDeadDeliveryRedeliveredArrivesWithItsOwnIdAndBody() async throws {
        let receiver = try await LoopbackReceiver.start()
        defer { Task { await receiver.stop() } }
        receiver.answerNext(.init(status: .internalServerError), .init(status: .internalServerError))
        let rig = try await start(schedule: [.zero, .milliseconds(100)])
        defer { Task { await rig.stop() } }
        let webhook = WebhookSubscription(id: WebhookSubscription.newID(), url: receiver.url, events: ["job.*"], description: nil,
                                          secret: WebhookSignature.generateSecret(), createdAt: Date())
        try await rig.store.createWebhook(webhook)
        let job = Job(id: .generate(), status: .received, hotfolder: "cards", fileName: "a.pdf", claimedPath: nil, originalPath: nil,
                      sha256: nil, sizeBytes: nil, kind: .pdf, externalId: nil, product: ProductSpec(), createdAt: Date(), updatedAt: Date())
        try await rig.store.create(job, detail: nil)
        let dead = try #require(try await settled(rig.store, job.id, count: 1).first)
        #expect(dead.status == .dead && dead.attempts == 2)
        #expect(try await rig.store.redeliver(dead.id, ofWebhook: webhook.id))
        let again = try #require(try await settled(rig.store, job.id, count: 1).first)
        #expect(again.status == .delivered && again.attempts == 3)
        let received = receiver.received
        #expect(received.count == 3 && Set(received.map(\.body)).count == 1 && Set(received.compactMap { $0.headers["webhook-id"] }) == [dead.eventId])
    }

    @Test func retryAfterIsHonouredAndTheScheduleJittered() throws {
        let runner = DeliveryAttemptRunner(callbacks: CallbackConfiguration(secret: Self.secret, retrySchedule: [.zero, .seconds(100), .seconds(1)]),
                                           signature: try WebhookSignature(secret: Self.secret), transport: CurlTransport(policy: .loopbackAllowed()),
                                           store: try SQLiteJobStore(writer: DatabaseQueue()), logger: Logger(label: "t"))
        let now = Date()
        guard case .retry(let at) = runner.decide(number: 1, status: 503, retryAfter: nil, now: now) else { Issue.record("no retry"); return }
        #expect((90...110).contains(at.timeIntervalSince(now)))
        guard case .retry(let later) = runner.decide(number: 2, status: 429, retryAfter: 3600, now: now) else { Issue.record("no retry"); return }
        #expect(later.timeIntervalSince(now) >= 3600)
        #expect(runner.decide(number: 3, status: 503, retryAfter: nil, now: now) == .dead)
        #expect(runner.decide(number: 1, status: 204, retryAfter: nil, now: now) == .delivered)
        #expect(DeliveryAttemptRunner.seconds(fromRetryAfter: "120") == 120)
    }
}