@testable import Bridge
import Foundation
import GRDB
import JobStore
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
/// Fairness, circuits and the rules a delivery's life keeps, with real endpoints.
extension CallbackDeliveryTests {
    private func plan(_ store: SQLiteJobStore, count: Int, to endpoint: String, from first: Int64) async throws -> [JobID] {
        let jobs = (0..<count).map { _ in JobID.generate() }
        let planned = jobs.enumerated().map { index, job in
            PlannedDelivery(endpoint: endpoint, eventSequence: first + Int64(index), eventId: "evt_" + ULID.generate().description,
                            jobId: job, body: Data(#"{"n":\#(index)}"#.utf8))
        }
        try await store.plan(planned, through: 0)
        return jobs
    }

    @Test func aDeadEndpointDoesNotDelayALiveOne() async throws {
        let dead = try await LoopbackReceiver.start()
        let live = try await LoopbackReceiver.start()
        defer { Task { await dead.stop(); await live.stop() } }
        // The dead endpoint hangs for 5 s and then fails, every time.
        dead.answerOtherwise(.init(status: .serviceUnavailable, delay: .seconds(5)))
        let rig = try await start(schedule: [.zero, .seconds(600)])
        defer { Task { await rig.stop() } }
        // Its 200 deliveries are older than the live endpoint's 200: oldest-first alone would send none of these.
        _ = try await plan(rig.store, count: 200, to: dead.url, from: 1)
        let liveJobs = try await plan(rig.store, count: 200, to: live.url, from: 1000)
        // The receiver counts a request before the agent has recorded its answer: wait for both.
        var delivered: [Delivery] = []
        for _ in 0..<600 {
            delivered = try await rig.store.deliveries(status: .delivered, limit: 500)
            if live.received.count >= 200 && delivered.count >= 200 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(live.received.count == 200, "the live endpoint got \(live.received.count) of 200")
        #expect(dead.received.count <= 2, "the dead endpoint was tried \(dead.received.count) times meanwhile")
        #expect(Set(delivered.map(\.jobId)) == Set(liveJobs))
    }

    @Test func aCircuitOpensAfterFailuresInARowAndAProbeClosesIt() {
        let circuit = EndpointCircuit(threshold: 3, initialCooldown: .seconds(30), maximumCooldown: .seconds(120))
        let start = ContinuousClock.now
        for _ in 0..<2 { #expect(!circuit.recordFailure("a", now: start)) }
        #expect(circuit.admits("a", now: start))
        #expect(circuit.recordFailure("a", now: start))
        #expect(!circuit.admits("a", now: start + .seconds(29)) && circuit.admits("b", now: start))
        // The probe after the cool-down fails: twice as long.
        #expect(circuit.admits("a", now: start + .seconds(30)))
        #expect(circuit.recordFailure("a", now: start + .seconds(30)))
        #expect(!circuit.admits("a", now: start + .seconds(89)) && circuit.admits("a", now: start + .seconds(90)))
        circuit.recordSuccess("a")
        #expect(circuit.admits("a", now: start + .seconds(90)))
    }

    @Test func anAttemptInFlightCannotReviveAnEndedDelivery() async throws {
        let store = try SQLiteJobStore(path: try makeTemporaryDirectory("inflight").appendingPathComponent("jobs.sqlite").path)
        let webhook = WebhookSubscription(id: WebhookSubscription.newID(), url: "https://erp.example.com/h", events: ["job.*"], description: nil,
                                          secret: WebhookSignature.generateSecret(), createdAt: Date())
        try await store.createWebhook(webhook)
        let job = JobID.generate()
        try await store.plan([PlannedDelivery(endpoint: webhook.url, subscription: webhook.id, eventSequence: 1, eventId: "evt_A", jobId: job,
                                              body: Data())], through: 0)
        let taken = try #require(try await store.takeDueDelivery(at: Date(), endpoint: webhook.url, holder: "test", lease: .seconds(60)))
        // While the attempt runs, the subscription is deleted: its pending deliveries end.
        #expect(try await store.deleteWebhook(webhook.id))
        try await store.record(DeliveryAttempt(deliveryId: taken.id, number: 1, at: Date(), httpStatus: 503, durationMs: 5, error: "HTTP 503"),
                               outcome: .retry(at: Date()), error: "HTTP 503")
        let after = try #require(try await store.delivery(taken.id))
        #expect(after.status == .dead && after.attempts == 0)
        #expect(try await store.attempts(of: taken.id).count == 1, "the attempt is logged all the same")
    }

    @Test func aRedeliveryStartsAFreshSchedule() async throws {
        let receiver = try await LoopbackReceiver.start()
        defer { Task { await receiver.stop() } }
        receiver.answerOtherwise(.init(status: .internalServerError))
        let rig = try await start(schedule: [.zero, .milliseconds(100)])
        defer { Task { await rig.stop() } }
        let id = try await makeJob(rig.store, callback: receiver.url)
        let dead = try #require(try await settled(rig.store, id, count: 1).first)
        #expect(dead.status == .dead && dead.attempts == 2)
        #expect(try await rig.store.redeliver(dead.id))
        // The whole schedule again (two attempts), not one last try.
        let again = try #require(try await settled(rig.store, id, count: 1).first)
        #expect(again.status == .dead && again.attempts == 4 && again.scheduleStart == 2)
    }

    @Test func aRotatedSecretSignsBesideTheOldOneDuringTheOverlap() async throws {
        let receiver = try await LoopbackReceiver.start()
        defer { Task { await receiver.stop() } }
        let bridge = try await BridgeHarness.start()
        defer { Task { await bridge.stop() } }
        let (id, old) = try await bridge.createWebhook(receiver.url)
        let rotated = try await bridge.send("PATCH", "/api/v1/webhooks/\(id)", json: ["rotateSecret": true, "secretOverlapSeconds": 3600])
        #expect(rotated.status == 200, "\(rotated.text)")
        let new = try #require(rotated.json["secret"] as? String)
        #expect(new != old && new.hasPrefix("whsec_"))
        #expect(try await bridge.send("GET", "/api/v1/webhooks/\(id)").json["secret"] == nil, "the secret is shown once")
        let subscription = try #require(try await bridge.store.webhook(id))
        #expect(subscription.signingSecrets() == [new, old])
        #expect(subscription.signingSecrets(at: Date().addingTimeInterval(3601)) == [new])
        // A delivery made now carries both signatures in one header.
        let rig = try await start(schedule: [.zero])
        defer { Task { await rig.stop() } }
        try await rig.store.createWebhook(subscription)
        let job = Job(id: .generate(), status: .received, hotfolder: "cards", fileName: "a.pdf", claimedPath: nil, originalPath: nil,
                      sha256: nil, sizeBytes: nil, kind: .pdf, externalId: nil, product: ProductSpec(), createdAt: Date(), updatedAt: Date())
        try await rig.store.create(job, detail: nil)
        _ = try await settled(rig.store, job.id, count: 1)
        let request = try #require(receiver.received.first)
        let signatures = (request.headers["webhook-signature"] ?? "").split(separator: " ").map(String.init)
        let timestamp = Int64(request.headers["webhook-timestamp"] ?? "") ?? 0
        let eventId = request.headers["webhook-id"] ?? ""
        #expect(signatures == [try WebhookSignature(secret: new).signature(id: eventId, timestamp: timestamp, body: request.body),
                               try WebhookSignature(secret: old).signature(id: eventId, timestamp: timestamp, body: request.body)])
    }

    @Test func aPatchEditsAndReEnablesASubscription() async throws {
        let bridge = try await BridgeHarness.start()
        defer { Task { await bridge.stop() } }
        let created = try await bridge.send("POST", "/api/v1/webhooks", json: ["url": "https://erp.example.com/a", "events": ["job.*"]])
        let id = try #require(created.json["id"] as? String)
        try await bridge.store.disableWebhook(id, reason: "the endpoint answered 410 Gone")
        #expect(try await bridge.send("GET", "/api/v1/webhooks/\(id)").json["disabledAt"] != nil)
        let edited = try await bridge.send("PATCH", "/api/v1/webhooks/\(id)",
                                           json: ["enabled": true, "url": "https://erp.example.com/b", "events": ["job.print_ready"]])
        #expect(edited.status == 200 && edited.json["disabledAt"] == nil && edited.json["secret"] == nil)
        #expect(edited.json["url"] as? String == "https://erp.example.com/b" && edited.json["events"] as? [String] == ["job.print_ready"])
        let refused = try await bridge.send("PATCH", "/api/v1/webhooks/\(id)", json: ["url": "http://169.254.169.254/"])
        #expect(refused.status == 422 && refused.error["field"] as? String == "url")
        #expect(try await bridge.send("PATCH", "/api/v1/webhooks/\(id)", json: ["events": ["job.nope"]]).status == 422)
        let overlap = try await bridge.send("PATCH", "/api/v1/webhooks/\(id)", json: ["enabled": false, "secretOverlapSeconds": 604_801])
        #expect(overlap.status == 422 && overlap.error["field"] as? String == "secretOverlapSeconds")
        #expect(try await bridge.send("PATCH", "/api/v1/webhooks/wh_nope", json: ["enabled": true]).status == 404)
        #expect(try await bridge.send("PATCH", "/api/v1/webhooks/\(id)", token: "writer", json: ["enabled": true]).status == 403)
    }

    @Test func twoFreshStoresGiveDifferentEventIds() async throws {
        var firsts: [String] = []
        for _ in 0..<2 {
            let store = try SQLiteJobStore(path: try makeTemporaryDirectory("ids").appendingPathComponent("jobs.sqlite").path)
            let job = Job(id: .generate(), status: .received, hotfolder: nil, fileName: "a.pdf", claimedPath: nil, originalPath: nil,
                          sha256: nil, sizeBytes: nil, kind: .pdf, externalId: nil, product: ProductSpec(), createdAt: Date(), updatedAt: Date())
            try await store.create(job, detail: nil)
            let first = try #require(try await store.events(after: 0, limit: 1).first)
            #expect(first.globalSequence == 1)
            firsts.append(first.id)
        }
        #expect(firsts[0] != firsts[1] && firsts.allSatisfy { $0.hasPrefix("evt_") })
    }

    /// The planner behind (the agent was down): every body still tells its event as it was, not the job as
    /// it is when planned.
    @Test func aBodyPlannedLateTellsTheEventAsItWas() async throws {
        let directory = try makeTemporaryDirectory("late")
        let store = try SQLiteJobStore(path: directory.appendingPathComponent("jobs.sqlite").path)
        let configuration = BridgeConfiguration(jobsDirectory: directory.appendingPathComponent("jobs").path, proofLinkKey: Data(repeating: 1, count: 32),
                                                hotfolders: [], callbackHosts: .loopbackAllowed())
        let id = try await makeJob(store, callback: "http://127.0.0.1:9/hook")
        try await store.transition(id, to: .preflighting)
        try await store.transition(id, to: .preflightFailed, detail: nil, update: JobUpdate(failureReason: "The file has no pages."))
        try await store.transition(id, to: .received, detail: nil, update: JobUpdate(clearsFailureReason: true))
        try await store.transition(id, to: .preflighting)
        try await store.transition(id, to: .preflightPassed)
        try await store.transition(id, to: .proofing)
        // The second try's files and a revocation, all before anything is planned.
        let workspace = JobWorkspace(jobsDirectory: configuration.jobsDirectory, id: id)
        try FileManager.default.createDirectory(atPath: workspace.proofs, withIntermediateDirectories: true)
        try Data(#"{"result":"pass","findings":[]}"#.utf8).write(to: URL(fileURLWithPath: workspace.report))
        try Data([0x89]).write(to: URL(fileURLWithPath: workspace.proofs + "/page-1.png"))
        try await store.transition(id, to: .proofGenerated)
        try await store.transition(id, to: .awaitingApproval)
        _ = try await store.revokeProofLinks(id)
        try await store.transition(id, to: .rejected, detail: nil, update: JobUpdate(failureReason: "The customer wants a new file."))

        var logger = Logger(label: "late-test")
        logger.logLevel = .critical
        let planner = DeliveryPlanner(configuration: configuration, store: store, logger: logger)
        while try await planner.planNextBatch() > 0 {}
        struct Body: Decodable {
            struct Data: Decodable {
                struct Error: Decodable { var message: String }
                struct Files: Decodable { var report: String? }
                var status: String
                var error: Error?
                var files: Files?
                var proofPageUrl: String?
            }
            var data: Data
        }
        let bodies = try await store.deliveries(of: id).sorted { $0.planned.eventSequence < $1.planned.eventSequence }
            .map { try JSONDecoder().decode(Body.self, from: $0.planned.body).data }
        #expect(bodies.map(\.status) == ["received", "preflighting", "preflight_failed", "received", "preflighting", "preflight_passed",
                                          "proofing", "proof_generated", "awaiting_approval", "rejected"])
        #expect(bodies[2].error?.message == "The file has no pages.")
        #expect(bodies[9].error?.message == "The customer wants a new file.")
        // Before the second preflight the report it wrote is not in the body.
        #expect(bodies[3].files?.report == nil && bodies[4].files?.report == nil && bodies[5].files?.report != nil)
        // The link the customer was sent while waiting decided until the revocation, not after it.
        let link = ProofLink(key: configuration.proofLinkKey)
        let url = try #require(bodies[8].proofPageUrl.flatMap(URLComponents.init(string:)))
        let token = try #require(url.queryItems?.first { $0.name == "t" }?.value)
        let epoch = try #require(try await store.job(id)).proofLinkEpoch
        #expect(link.verify(token, for: id, currentEpoch: epoch) == .superseded)
        #expect(link.verify(token, for: id, currentEpoch: epoch - 1) == .valid(.decide))
    }
}
