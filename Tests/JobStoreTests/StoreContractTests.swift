import Foundation
import JobStore
import Pipeline
import TestFixtures
import Testing

/// More of what every store promises: parts, the event feed under concurrent writers, idempotency keys,
/// tokens, and the order deliveries leave in. Run on each store `StoreKind.available` lists.
@Suite struct StoreContractTests {
    static let frontAndBack = ProductSpec(trim: try! TrimSize(parsing: "85x55mm"),
                                          parts: [ProductPart(name: "front", spec: ProductSpec(pages: .exactly(1))),
                                                  ProductPart(name: "back", spec: ProductSpec(pages: .exactly(1)))])

    func waitingJob(product: ProductSpec = frontAndBack) -> Job {
        Job(id: .generate(), status: .awaitingFile, hotfolder: "cards", fileName: "", claimedPath: nil, originalPath: nil, sha256: nil,
            sizeBytes: nil, kind: nil, externalId: "ORD-P", product: product, createdAt: Date(), updatedAt: Date())
    }

    func file(_ name: String, digit: Character = "0") -> ArrivedFile {
        ArrivedFile(fileName: name, claimedPath: "/w/" + name, sha256: String(repeating: digit, count: 64), sizeBytes: 10, kind: .pdf)
    }

    @Test(arguments: StoreKind.available) func aJobOfPartsTakesEachPartOnceAndStartsWithTheLast(_ kind: StoreKind) async throws {
        let store = try await kind.makeStore()
        let job = waitingJob()
        try await store.create(job, detail: nil)
        let afterBack = try await store.receivePart(job.id, part: "back", file: file("b.pdf"), detail: "back", actor: nil)
        #expect(afterBack.status == .awaitingFile && afterBack.missingParts == ["front"] && afterBack.fileName == "b.pdf")
        await #expect(throws: JobStoreError.partAlreadyReceived(job.id, part: "back")) {
            try await store.receivePart(job.id, part: "back", file: file("b2.pdf"), detail: nil, actor: nil)
        }
        await #expect(throws: JobStoreError.noSuchPart(job.id, part: "side", parts: ["front", "back"])) {
            try await store.receivePart(job.id, part: "side", file: file("s.pdf"), detail: nil, actor: nil)
        }
        let started = try await store.receivePart(job.id, part: "front", file: file("f.pdf"), detail: "front", actor: nil)
        #expect(started.status == .received && started.parts.map(\.part) == ["front", "back"] && started.fileName == "f.pdf")
        let read = try #require(try await store.job(job.id))
        #expect(read.parts == started.parts && read.parts.allSatisfy { $0.originalPath == $0.claimedPath })
        let events = try await store.events(of: job.id)
        #expect(events.map(\.to) == [.awaitingFile, .awaitingFile, .awaitingFile, .received])
        #expect(events.map(\.part) == [nil, "back", "front", nil])
        // Running, it takes no part; a single-file job has none.
        try await store.transition(job.id, to: .preflighting)
        await #expect(throws: JobStoreError.takesNoPart(job.id, from: .preflighting)) {
            try await store.receivePart(job.id, part: "back", file: file("b3.pdf"), detail: nil, actor: nil)
        }
        try await store.recordPartOriginalPath(job.id, part: "back", path: "/error/b.pdf")
        #expect(try await store.job(job.id)?.file(ofPart: "back")?.originalPath == "/error/b.pdf")
        let single = waitingJob(product: ProductSpec())
        try await store.create(single, detail: nil)
        await #expect(throws: JobStoreError.noSuchPart(single.id, part: "front", parts: [])) {
            try await store.receivePart(single.id, part: "front", file: file("f.pdf"), detail: nil, actor: nil)
        }
    }

    @Test(arguments: StoreKind.available) func aFailedJobOfPartsTakesOnePartAsItsNextRevision(_ kind: StoreKind) async throws {
        let store = try await kind.makeStore()
        let job = waitingJob()
        try await store.create(job, detail: nil)
        try await store.receivePart(job.id, part: "front", file: file("f.pdf"), detail: nil, actor: nil)
        try await store.receivePart(job.id, part: "back", file: file("b.pdf"), detail: nil, actor: nil)
        try await store.transition(job.id, to: .preflighting)
        try await store.transition(job.id, to: .preflightFailed, detail: nil, update: JobUpdate(failureReason: "back: 2 pages"))
        let next = try await store.receivePart(job.id, part: "back", file: file("b.pdf", digit: "1"), detail: "new back", actor: nil)
        #expect(next.status == .received && next.revision == 2 && next.failureReason == nil)
        #expect(next.file(ofPart: "back")?.sha256.hasPrefix("1") == true && next.file(ofPart: "front")?.sha256.hasPrefix("0") == true)
        #expect(try await store.revisions(of: job.id).map(\.failureReason) == ["back: 2 pages"])
        let last = try #require(try await store.events(of: job.id).last)
        #expect(last.startsRevision && last.part == "back" && last.from == .preflightFailed && last.jobAtEvent?.revision == 2)
    }

    /// Writers at once, many jobs each: the feed read from 0 has every event once, in a gap-free sequence,
    /// and reading on from any point gives the rest.
    @Test(arguments: StoreKind.available) func theFeedHasEveryEventOnceInOrderUnderConcurrentWriters(_ kind: StoreKind) async throws {
        let store = try await kind.makeStore()
        let writers = 4, jobsEach = 10
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<writers {
                group.addTask {
                    for _ in 0..<jobsEach {
                        let job = Job(id: .generate(), status: .received, hotfolder: "cards", fileName: "a.pdf", claimedPath: nil,
                                      originalPath: nil, sha256: nil, sizeBytes: nil, kind: .pdf, externalId: nil, product: ProductSpec(),
                                      createdAt: Date(), updatedAt: Date())
                        try await store.create(job, detail: nil)
                        try await store.transition(job.id, to: .preflighting)
                    }
                }
            }
            try await group.waitForAll()
        }
        let all = try await store.events(after: 0, limit: 1000)
        #expect(all.count == writers * jobsEach * 2)
        #expect(all.map(\.globalSequence) == Array(1...Int64(all.count)), "gap-free and in order")
        #expect(Set(all.map(\.id)).count == all.count, "every event id once")
        #expect(try await store.lastEventSequence() == Int64(all.count))
        let rest = try await store.events(after: 30, limit: 1000)
        #expect(rest.map(\.globalSequence) == Array(31...Int64(all.count)))
        // Each job's own events are numbered from 1 without gaps.
        for event in all where event.sequence == 2 { #expect(try await store.events(of: event.jobId).map(\.sequence) == [1, 2]) }
    }

    @Test(arguments: StoreKind.available) func anIdempotencyKeyAnswersItsRepeatAndNothingIsCreatedTwice(_ kind: StoreKind) async throws {
        let store = try await kind.makeStore()
        let now = Date()
        let record = IdempotencyRecord(key: "k-1", owner: "mis", requestHash: "h", statusCode: 201, responseBody: Data("{}".utf8), createdAt: now)
        let first = waitingJob(product: ProductSpec())
        #expect(try await store.create(first, detail: nil, idempotency: record) == nil)
        let second = waitingJob(product: ProductSpec())
        let stored = try await store.create(second, detail: nil, idempotency: record)
        #expect(stored?.requestHash == "h" && stored?.statusCode == 201)
        #expect(try await store.job(second.id) == nil, "the repeat creates nothing")
        #expect(try await store.idempotencyRecord(key: "k-1", owner: "mis", notBefore: now.addingTimeInterval(-60)) != nil)
        #expect(try await store.idempotencyRecord(key: "k-1", owner: "erp", notBefore: now.addingTimeInterval(-60)) == nil, "keys are per caller")
    }

    @Test(arguments: StoreKind.complete) func tokensAreKeptAsHashesByName(_ kind: StoreKind) async throws {
        let store = try await kind.makeCompleteStore()
        let token = AccessToken(name: "mis", sha256: AccessToken.hash(of: "secret"), scopes: [.jobsRead, .jobsWrite], createdAt: Date())
        try await store.createToken(token)
        await #expect(throws: AccessTokenError.nameTaken("mis")) { try await store.createToken(token) }
        #expect(try await store.token(withHash: AccessToken.hash(of: "secret"))?.scopes == [.jobsRead, .jobsWrite])
        #expect(try await store.token(withHash: AccessToken.hash(of: "other")) == nil)
        try await store.markUsed("mis", at: Date())
        #expect(try await store.tokens().first?.lastUsedAt != nil)
        try await store.revokeToken(named: "mis")
        #expect(try await store.token(withHash: AccessToken.hash(of: "secret")) == nil)
        await #expect(throws: AccessTokenError.notFound("mis")) { try await store.revokeToken(named: "mis") }
    }

    /// A job's events leave for an endpoint one at a time, in order: the next waits while an earlier one is pending.
    @Test(arguments: StoreKind.complete) func deliveriesToAnEndpointFollowTheirJobsOrder(_ kind: StoreKind) async throws {
        let store = try await kind.makeCompleteStore()
        let job = waitingJob(product: ProductSpec())
        try await store.create(job, detail: nil)
        let endpoint = "https://erp.example.com/hook"
        try await store.plan([1, 2].map { PlannedDelivery(endpoint: endpoint, eventSequence: $0, eventId: "evt_\($0)", jobId: job.id, body: Data()) },
                             through: 2)
        // Planned twice, kept once.
        try await store.plan([PlannedDelivery(endpoint: endpoint, eventSequence: 1, eventId: "evt_1", jobId: job.id, body: Data())], through: 2)
        #expect(try await store.plannedThrough() == 2)
        #expect(try await store.deliveries(of: job.id).count == 2)
        #expect(try await store.dueEndpoints(at: Date(), limit: 10) == [endpoint])
        let first = try #require(try await store.takeDueDelivery(at: Date(), endpoint: endpoint, holder: "test", lease: .seconds(60)))
        #expect(first.eventSequence == 1)
        try await store.record(DeliveryAttempt(deliveryId: first.id, number: 1, at: Date(), httpStatus: 500, durationMs: 3, error: nil),
                               outcome: .retry(at: Date().addingTimeInterval(3600)), error: "HTTP 500")
        #expect(try await store.takeDueDelivery(at: Date(), endpoint: endpoint, holder: "test", lease: .seconds(60)) == nil, "the second waits behind the first")
        try await store.record(DeliveryAttempt(deliveryId: first.id, number: 2, at: Date(), httpStatus: 200, durationMs: 3, error: nil),
                               outcome: .delivered, error: nil)
        #expect(try await store.takeDueDelivery(at: Date(), endpoint: endpoint, holder: "test", lease: .seconds(60))?.eventSequence == 2)
        #expect(try await store.attempts(of: first.id).map(\.number) == [1, 2])
        #expect(try await store.delivery(first.id)?.status == .delivered)
        #expect(try await store.deliveryCounts() == [.delivered: 1, .pending: 1])
    }

    /// A subscription's deliveries end with it: disabled or deleted, nothing of it stays pending.
    @Test(arguments: StoreKind.complete) func webhooksKeepTheirDeliveriesAndEndThemWhenTheyGo(_ kind: StoreKind) async throws {
        let store = try await kind.makeCompleteStore()
        let hook = WebhookSubscription(id: WebhookSubscription.newID(), url: "https://erp.example.com/w", events: ["job.*"], description: "erp",
                                       secret: "whsec_a", createdAt: Date())
        try await store.createWebhook(hook)
        var changed = hook
        changed.events = ["job.print_ready", "job.failed"]
        changed.previousSecret = "whsec_old"
        try await store.updateWebhook(changed)
        #expect(try await store.webhook(hook.id)?.events == ["job.print_ready", "job.failed"])
        #expect(try await store.webhooks().map(\.previousSecret) == ["whsec_old"])
        let job = waitingJob(product: ProductSpec())
        try await store.create(job, detail: nil)
        try await store.plan([PlannedDelivery(endpoint: hook.url, subscription: hook.id, eventSequence: 1, eventId: "evt_1", jobId: job.id, body: Data())],
                             through: 1)
        let planned = try #require(try await store.deliveries(ofWebhook: hook.id, limit: 10).first)
        try await store.disableWebhook(hook.id, reason: "the endpoint answered 410 Gone")
        #expect(try await store.webhook(hook.id)?.disabledReason == "the endpoint answered 410 Gone")
        #expect(try await store.delivery(planned.id)?.status == .dead)
        #expect(try await store.redeliver(planned.id, ofWebhook: hook.id))
        #expect(try await store.redeliver(planned.id, ofWebhook: "wh_other") == false)
        #expect(try await store.deleteWebhook(hook.id))
        #expect(try await store.deleteWebhook(hook.id) == false)
        #expect(try await store.delivery(planned.id)?.status == .dead, "deleted with its subscription: ended, not sent")
    }

    /// Three agents' stores on one database, each writing jobs and moving them on at once, and one job
    /// moved by all three: the feed read from 0 has every event once, gap-free, in commit order; the shared
    /// job's moves are each made once, none lost to a race.
    @Test(arguments: StoreKind.complete) func threeStoresOnOneDatabaseKeepOneGapFreeFeed(_ kind: StoreKind) async throws {
        let stores = try await kind.makeStoresSharingOneDatabase(3)
        let shared = waitingJob(product: ProductSpec())
        try await stores[0].create(shared, detail: nil)
        let moves = try await withThrowingTaskGroup(of: Int.self) { group in
            for store in stores {
                group.addTask {
                    for _ in 0..<8 {
                        let job = Job(id: .generate(), status: .received, hotfolder: "cards", fileName: "a.pdf", claimedPath: nil, originalPath: nil,
                                      sha256: nil, sizeBytes: nil, kind: .pdf, externalId: nil, product: ProductSpec(), createdAt: Date(),
                                      updatedAt: Date())
                        try await store.create(job, detail: nil)
                        try await store.transition(job.id, to: .preflighting)
                    }
                    // Only one of the three may take the shared job from awaiting_file to received.
                    do {
                        try await store.transition(shared.id, to: .received, detail: nil, update: JobUpdate(arrivedFile: file("s.pdf")))
                        return 1
                    } catch JobStoreError.illegalTransition {
                        return 0
                    }
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(moves == 1, "the shared job was moved once")
        for store in stores {
            let feed = try await store.events(after: 0, limit: 1000)
            #expect(feed.map(\.globalSequence) == Array(1...Int64(3 * 8 * 2 + 2)), "every store reads one gap-free feed")
            #expect(Set(feed.map(\.id)).count == feed.count)
        }
        #expect(try await stores[2].events(of: shared.id).map(\.sequence) == [1, 2])
    }

    /// A long poll on one agent learns of another agent's commit from PostgreSQL's NOTIFY, not by reading
    /// the store again: the waiting store's mark moves.
    @Test(.enabled(if: StoreKind.available.contains(.postgres)))
    func anotherAgentsCommitWakesALongPoll() async throws {
        let stores = try await StoreKind.postgres.makeStoresSharingOneDatabase(2)
        let (waiting, writing) = (stores[0], stores[1])
        let deadline = ContinuousClock.now.advanced(by: .seconds(30))
        // The listener rings once when it starts listening.
        while waiting.eventMark().value == 0, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        let mark = waiting.eventMark()
        #expect(mark.value > 0, "the listener is up")
        try await writing.create(waitingJob(product: ProductSpec()), detail: nil)
        while waiting.eventMark() == mark, ContinuousClock.now < deadline { await waiting.waitForEvents(upTo: .seconds(1), since: mark) }
        #expect(waiting.eventMark() != mark, "the commit's NOTIFY reached the other store")
        #expect(try await waiting.events(after: 0, limit: 10).count == 1)
    }

    /// What one agent changes, another's caches hear of: the job's change count moves on the other store
    /// too, for a transition and for a revoked proof link alike.
    @Test(.enabled(if: StoreKind.available.contains(.postgres)))
    func anotherAgentsChangeToAJobIsCountedByEveryStore() async throws {
        let stores = try await StoreKind.postgres.makeStoresSharingOneDatabase(2)
        let (reading, writing) = (stores[0], stores[1])
        let deadline = ContinuousClock.now.advanced(by: .seconds(30))
        while reading.eventMark().value == 0, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        let job = waitingJob(product: ProductSpec())
        try await reading.create(job, detail: nil)
        for change in [{ _ = try await writing.transition(job.id, to: .cancelled, detail: nil, update: JobUpdate()) },
                       { _ = try await writing.revokeProofLinks(job.id) }] as [@Sendable () async throws -> Void] {
            let before = reading.localChangeCount(of: job.id)
            try await change()
            while reading.localChangeCount(of: job.id) == before, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
            #expect(reading.localChangeCount(of: job.id) > before)
        }
    }
}
