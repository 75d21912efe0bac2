import Foundation
import JobStore
import Pipeline
import Testing

/// What several agents sharing one PostgreSQL store agree on: who is alive, who runs which job, who takes over
/// from a silent node, and which node sends a delivery. Each store below is one agent's.
@Suite(.enabled(if: StoreKind.available.contains(.postgres)))
struct ClusterStoreTests {
    private func cluster(_ count: Int) async throws -> [any CompleteStore & ClusterStore] {
        try await StoreKind.postgres.makeStoresSharingOneDatabase(count).map { try #require($0 as? any CompleteStore & ClusterStore) }
    }

    private func receivedJob(claimedIn area: String = "/hot/.work/a") -> Job {
        let id = JobID.generate()
        let path = area + "/" + id.rawValue + "/card.pdf"
        return Job(id: id, status: .received, hotfolder: "cards", fileName: "card.pdf", claimedPath: path, originalPath: path,
                   sha256: String(repeating: "0", count: 64), sizeBytes: 10, kind: .pdf, externalId: nil, product: ProductSpec(),
                   createdAt: Date(), updatedAt: Date())
    }

    /// One holder per job; a node that joins again takes its own jobs back under its new lease.
    @Test func aJobHasOneHolderAndANodeKeepsItsJobsAcrossARestart() async throws {
        let stores = try await cluster(2)
        let (a, b) = (try await stores[0].join(as: "a"), try await stores[1].join(as: "b"))
        #expect(a.number != b.number)
        let job = receivedJob()
        try await stores[0].create(job, detail: nil)
        #expect(try await stores[0].hold(job.id, for: a))
        #expect(try await !stores[1].hold(job.id, for: b), "a holds it")
        #expect(try await stores[1].holder(of: job.id) == "a")
        #expect(try await stores[1].holds(job.id, under: a))
        #expect(try await !stores[1].holds(job.id, under: b))
        #expect(try await stores[1].jobs(matching: JobFilter(heldBy: "a")).map(\.id) == [job.id])
        #expect(try await stores[1].jobs(matching: JobFilter(heldBy: "b")).isEmpty)
        // a restarts: its old lease no longer moves the job; once taken again, its new one does.
        let again = try await stores[0].join(as: "a")
        #expect(try await !stores[0].holds(job.id, under: a), "an old lease holds nothing")
        await #expect(throws: JobStoreError.notHeld(job.id, by: a)) {
            try await stores[0].transition(job.id, to: .preflighting, detail: nil, update: JobUpdate(heldUnder: a))
        }
        #expect(try await stores[0].hold(job.id, for: again))
        try await stores[0].transition(job.id, to: .preflighting, detail: nil, update: JobUpdate(heldUnder: again))
        // A change not made as the holder (an approval on any node's bridge) is not fenced.
        try await stores[1].transition(job.id, to: .failed, detail: "cancelled elsewhere", update: JobUpdate(failureReason: "x"))
    }

    /// A node silent past the timeout is rescued once, by one node: its jobs move to the rescuer under the
    /// rescuer's lease, and the silent node's heartbeat and changes are refused from then on.
    @Test func aSilentNodeIsRescuedOnceAndFencedOff() async throws {
        let stores = try await cluster(3)
        let a = try await stores[0].join(as: "a")
        let b = try await stores[1].join(as: "b")
        let c = try await stores[2].join(as: "c")
        var jobs: [Job] = []
        for _ in 0..<5 {
            let job = receivedJob()
            try await stores[0].create(job, detail: nil)
            #expect(try await stores[0].hold(job.id, for: a))
            jobs.append(job)
        }
        #expect(try await stores[1].silentNodes(for: .seconds(30)).isEmpty)
        #expect(try await stores[1].rescue("a", by: b, silentFor: .seconds(30)) == nil, "a spoke a moment ago")
        // b and c keep beating; a stops. Wait on the server's clock, not ours.
        let deadline = ContinuousClock.now + .seconds(30)
        while try await !stores[1].silentNodes(for: .seconds(1)).contains("a"), ContinuousClock.now < deadline {
            _ = try await stores[1].heartbeat(b)
            _ = try await stores[2].heartbeat(c)
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(try await stores[1].silentNodes(for: .seconds(1)) == ["a"])
        // b and c rescue at once: one of them gets everything, the other nothing.
        async let byB = stores[1].rescue("a", by: b, silentFor: .seconds(1))
        async let byC = stores[2].rescue("a", by: c, silentFor: .seconds(1))
        let (fromB, fromC) = try await (byB, byC)
        let taken = (fromB ?? []) + (fromC ?? [])
        #expect(Set(taken) == Set(jobs.map(\.id)) && taken.count == jobs.count)
        #expect((fromB == nil) != (fromC == nil), "exactly one rescuer")
        let rescuer = fromB != nil ? b : c
        for job in jobs {
            #expect(try await stores[0].holder(of: job.id) == rescuer.node)
            #expect(try await stores[0].holds(job.id, under: rescuer))
            #expect(try await !stores[0].holds(job.id, under: a))
        }
        #expect(try await !stores[0].heartbeat(a), "a learns it was taken for dead")
        await #expect(throws: JobStoreError.notHeld(jobs[0].id, by: a)) {
            try await stores[0].transition(jobs[0].id, to: .preflighting, detail: nil, update: JobUpdate(heldUnder: a))
        }
        try await (rescuer == b ? stores[1] : stores[2]).transition(jobs[0].id, to: .preflighting, detail: nil,
                                                                    update: JobUpdate(heldUnder: rescuer))
        #expect(try await stores[1].silentNodes(for: .seconds(1)).contains("a") == false, "rescued once")
        // Taken for dead, a holds nothing new until it joins again.
        let unheld = receivedJob()
        try await stores[0].create(unheld, detail: nil)
        #expect(try await !stores[0].hold(unheld.id, for: a))
        #expect(try await stores[0].holdUnheldJobs(in: [.received], for: a, limit: 10).isEmpty)
        #expect(try await stores[0].rescue("b", by: a, silentFor: .zero) == nil, "nor rescues anyone")
        // a joins again: a member once more, its old jobs stay where they went.
        let back = try await stores[0].join(as: "a")
        #expect(try await stores[0].heartbeat(back))
        #expect(try await !stores[0].hold(jobs[1].id, for: back))
    }

    /// Jobs nobody holds are shared out: three nodes taking at once each get different ones, every job once.
    @Test func unheldJobsAreTakenOnceEachBySeveralNodesAtOnce() async throws {
        let stores = try await cluster(3)
        var leases: [NodeLease] = []
        for (index, store) in stores.enumerated() { leases.append(try await store.join(as: "n\(index)")) }
        var ids: [JobID] = []
        for _ in 0..<30 {
            let job = receivedJob()
            try await stores[0].create(job, detail: nil)
            ids.append(job.id)
        }
        let taken = try await withThrowingTaskGroup(of: [JobID].self) { group in
            for (store, lease) in zip(stores, leases) {
                group.addTask {
                    var mine: [JobID] = []
                    while true {
                        let batch = try await store.holdUnheldJobs(in: [.received], for: lease, limit: 4)
                        if batch.isEmpty { return mine }
                        mine += batch
                    }
                }
            }
            return try await group.reduce(into: [[JobID]]()) { $0.append($1) }
        }
        let all = taken.flatMap { $0 }
        #expect(all.count == 30 && Set(all) == Set(ids), "every job taken once")
    }

    /// A claim folder moved into another node's area: every path of the job that was in it follows.
    @Test func claimPathsFollowTheirFolder() async throws {
        let store = try await cluster(1)[0]
        let job = receivedJob(claimedIn: "/hot/.work/a")
        try await store.create(job, detail: nil)
        try await store.moveClaimPaths(of: job.id, from: "/hot/.work/a/\(job.id)/", to: "/hot/.work/b/\(job.id)/")
        let moved = try #require(try await store.job(job.id))
        #expect(moved.claimedPath == "/hot/.work/b/\(job.id)/card.pdf" && moved.originalPath == moved.claimedPath)
    }

    /// A delivery is in flight on one node at a time: taken by one, skipped by the others until its attempt
    /// is recorded (or its lease runs out); the job's next event waits behind it.
    @Test func aDeliveryIsTakenByOneNodeAtATime() async throws {
        let stores = try await cluster(2)
        let job = receivedJob()
        try await stores[0].create(job, detail: nil)
        let endpoint = "https://erp.example.com/hook"
        try await stores[0].plan([1, 2].map { PlannedDelivery(endpoint: endpoint, eventSequence: $0, eventId: "evt_\($0)", jobId: job.id, body: Data()) },
                                 through: 2)
        let first = try #require(try await stores[0].takeDueDelivery(at: Date(), endpoint: endpoint, holder: "a", lease: .seconds(60)))
        #expect(first.eventSequence == 1)
        #expect(try await stores[1].takeDueDelivery(at: Date(), endpoint: endpoint, holder: "b", lease: .seconds(60)) == nil,
                "the first is in flight on a; the second waits behind it")
        try await stores[0].record(DeliveryAttempt(deliveryId: first.id, number: 1, at: Date(), httpStatus: 200, durationMs: 2, error: nil),
                                   outcome: .delivered, error: nil)
        #expect(try await stores[1].takeDueDelivery(at: Date(), endpoint: endpoint, holder: "b", lease: .seconds(60))?.eventSequence == 2)
        // A lease that ran out (its node died mid-attempt) lets another node take it again.
        let job2 = receivedJob()
        try await stores[0].create(job2, detail: nil)
        try await stores[0].plan([PlannedDelivery(endpoint: endpoint + "2", eventSequence: 3, eventId: "evt_3", jobId: job2.id, body: Data())],
                                 through: 3)
        let lost = try #require(try await stores[0].takeDueDelivery(at: Date(), endpoint: endpoint + "2", holder: "a", lease: .milliseconds(1)))
        let deadline = ContinuousClock.now + .seconds(30)
        var retaken: Delivery?
        while retaken == nil, ContinuousClock.now < deadline {
            retaken = try await stores[1].takeDueDelivery(at: Date(), endpoint: endpoint + "2", holder: "b", lease: .seconds(60))
            if retaken == nil { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(retaken?.id == lost.id)
    }
}

/// Tokens are looked up on every request and kept for a moment; on PostgreSQL a token created or revoked on
/// one agent is seen by every other as soon as the commit's NOTIFY arrives (which rings the store's bell),
/// not when what it kept ages out.
@Suite(.enabled(if: StoreKind.available.contains(.postgres)))
struct SharedTokenTests {
    @Test func aTokenRevokedOnOneAgentStopsOnAnother() async throws {
        let stores = try await StoreKind.postgres.makeStoresSharingOneDatabase(2)
        let (issuing, checking) = (stores[0], stores[1])
        let deadline = ContinuousClock.now + .seconds(30)
        func heard(since mark: EventMark) async throws {
            while checking.eventMark() == mark, ContinuousClock.now < deadline { await checking.waitForEvents(upTo: .seconds(1), since: mark) }
            #expect(checking.eventMark() != mark, "the NOTIFY arrived")
        }
        // Listening (the listener rings once when it starts) before anything is kept.
        while checking.eventMark().value == 0, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        // Listening, the store counts every agent's changes: cached job views need no age bound for them.
        #expect(checking.hearsEveryChange)
        let hash = AccessToken.hash(of: "hfa_secret")
        // Looked up before it exists: "no such token" is kept; the creation elsewhere drops it.
        #expect(try await checking.token(withHash: hash) == nil)
        var mark = checking.eventMark()
        try await issuing.createToken(AccessToken(name: "mis", sha256: hash, scopes: [.jobsRead], createdAt: Date()))
        try await heard(since: mark)
        #expect(try await checking.token(withHash: hash)?.name == "mis")
        // Kept now; the revocation elsewhere drops it.
        #expect(try await checking.token(withHash: hash)?.name == "mis")
        mark = checking.eventMark()
        try await issuing.revokeToken(named: "mis")
        try await heard(since: mark)
        #expect(try await checking.token(withHash: hash) == nil)
    }
}
