import Foundation
import JobStore
import Pipeline
import TestFixtures
import Testing

/// What every JobStore promises, held to each implementation alike: the same tests, unchanged, on each
/// store `StoreKind.available` lists.
@Suite struct JobStoreContractTests {
    private func makeJob(_ status: JobState = .received, folder: String = "cards") -> Job {
        Job(id: .generate(), status: status, hotfolder: folder, fileName: "a.pdf", claimedPath: "/w/a.pdf",
            originalPath: "/w/a.pdf", sha256: String(repeating: "0", count: 64), sizeBytes: 10, kind: .pdf,
            externalId: "ORD-1", product: ProductSpec(bleed: .millimetres(3), pages: .exactly(2)),
            createdAt: Date(), updatedAt: Date())
    }


    @Test(arguments: StoreKind.available) func createdJobReadsBackWithItsFirstEvent(_ kind: StoreKind) async throws {
        let store = try await kind.makeStore()
        let job = makeJob()
        try await store.create(job, detail: "claimed")
        let read = try #require(try await store.job(job.id))
        #expect(read.fileName == "a.pdf" && read.status == .received && read.product == job.product)
        let events = try await store.events(of: job.id)
        #expect(events.count == 1)
        #expect(events[0].from == nil && events[0].to == .received && events[0].sequence == 1 && events[0].detail == "claimed")
    }

    @Test(arguments: StoreKind.available) func transitionsWriteNumberedEvents(_ kind: StoreKind) async throws {
        let store = try await kind.makeStore()
        let job = makeJob()
        try await store.create(job, detail: nil)
        try await store.transition(job.id, to: .preflighting)
        try await store.transition(job.id, to: .preflightFailed, detail: "wrong size",
                                   update: JobUpdate(originalPath: "/e/a.pdf", failureReason: "wrong size"))
        let read = try #require(try await store.job(job.id))
        #expect(read.status == .preflightFailed && read.originalPath == "/e/a.pdf" && read.failureReason == "wrong size")
        let events = try await store.events(of: job.id)
        #expect(events.map(\.sequence) == [1, 2, 3])
        #expect(events.map(\.to) == [.received, .preflighting, .preflightFailed])
        #expect(events[2].from == .preflighting)
    }

    @Test(arguments: StoreKind.available) func aNewFileStartsTheNextRevisionAndKeepsTheOneBefore(_ kind: StoreKind) async throws {
        let store = try await kind.makeStore()
        let job = makeJob()
        try await store.create(job, detail: nil)
        for state in [JobState.preflighting, .preflightPassed, .proofing, .proofGenerated, .awaitingApproval] {
            try await store.transition(job.id, to: state)
        }
        try await store.transition(job.id, to: .rejected, detail: "rejected", update: JobUpdate(failureReason: "new logo please"))
        let epoch = try #require(try await store.job(job.id)).proofLinkEpoch
        // A rejected job is not simply started over: only a new file does that.
        await #expect(throws: JobStoreError.illegalTransition(job.id, from: .rejected, to: .received)) {
            try await store.transition(job.id, to: .received, detail: nil, update: JobUpdate(clearsFailureReason: true))
        }
        await #expect(throws: JobStoreError.noNewRevision(job.id, from: .rejected)) {
            try await store.transition(job.id, to: .received, detail: nil, update: JobUpdate(startsRevision: true))
        }
        let file = ArrivedFile(fileName: "b.pdf", claimedPath: "/w/b.pdf", sha256: String(repeating: "1", count: 64), sizeBytes: 20, kind: .pdf)
        let second = try await store.transition(job.id, to: .received, detail: "new file",
                                                update: JobUpdate(arrivedFile: file, startsRevision: true))
        #expect(second.revision == 2 && second.fileName == "b.pdf" && second.failureReason == nil && second.proofLinkEpoch == epoch + 1)
        #expect(try await store.job(job.id)?.revision == 2)
        let kept = try await store.revisions(of: job.id)
        #expect(kept.count == 1)
        #expect(kept.first?.revision == 1 && kept.first?.status == .rejected && kept.first?.fileName == "a.pdf"
                && kept.first?.failureReason == "new logo please" && kept.first?.originalPath == "/w/a.pdf")
        let events = try await store.events(of: job.id)
        #expect(events.last?.startsRevision == true && events.last?.jobAtEvent?.revision == 2)
        #expect(events.dropLast().allSatisfy { !$0.startsRevision && $0.jobAtEvent?.revision == 1 })
        // Preflight failing the second time, a third file is revision 3; a job that ended well takes none.
        try await store.transition(job.id, to: .preflighting)
        try await store.transition(job.id, to: .preflightFailed, detail: nil, update: JobUpdate(failureReason: "3 pages"))
        try await store.transition(job.id, to: .received, detail: nil, update: JobUpdate(arrivedFile: file, startsRevision: true))
        #expect(try await store.revisions(of: job.id).map(\.status) == [.rejected, .preflightFailed])
        let done = makeJob(.printReady)
        try await store.create(done, detail: nil)
        await #expect(throws: JobStoreError.illegalTransition(done.id, from: .printReady, to: .received)) {
            try await store.transition(done.id, to: .received, detail: nil, update: JobUpdate(arrivedFile: file, startsRevision: true))
        }
    }

    @Test(arguments: StoreKind.available) func internalFailuresAreCountedUntilTheJobIsStartedOver(_ kind: StoreKind) async throws {
        let store = try await kind.makeStore()
        let job = makeJob()
        try await store.create(job, detail: nil)
        try await store.transition(job.id, to: .preflighting)
        #expect(try await store.recordInternalFailure(job.id) == 1)
        #expect(try await store.recordInternalFailure(job.id) == 2)
        try await store.transition(job.id, to: .failed, detail: "x")
        try await store.transition(job.id, to: .received, detail: "retry")
        #expect(try await store.recordInternalFailure(job.id) == 1, "a retried job gets its attempts anew")
        let missing = try #require(JobID("job_01ARZ3NDEKTSV4RRFFQ69G5FAV"))
        await #expect(throws: JobStoreError.notFound(missing)) { try await store.recordInternalFailure(missing) }
    }

    @Test(arguments: StoreKind.available) func illegalTransitionIsRefusedAndChangesNothing(_ kind: StoreKind) async throws {
        let store = try await kind.makeStore()
        let job = makeJob()
        try await store.create(job, detail: nil)
        await #expect(throws: JobStoreError.illegalTransition(job.id, from: .received, to: .printReady)) {
            try await store.transition(job.id, to: .printReady)
        }
        #expect(try await store.job(job.id)?.status == .received)
        #expect(try await store.events(of: job.id).count == 1)
    }

    @Test(arguments: StoreKind.available) func duplicateAndMissingJobsAreErrors(_ kind: StoreKind) async throws {
        let store = try await kind.makeStore()
        let job = makeJob()
        try await store.create(job, detail: nil)
        await #expect(throws: JobStoreError.duplicate(job.id)) { try await store.create(job, detail: nil) }
        let missing = JobID.generate()
        await #expect(throws: JobStoreError.notFound(missing)) { try await store.transition(missing, to: .failed) }
    }

    @Test(arguments: StoreKind.available) func filtersByStatusAndFolder(_ kind: StoreKind) async throws {
        let store = try await kind.makeStore()
        let a = makeJob(folder: "cards"), b = makeJob(folder: "posters"), c = makeJob(.awaitingFile, folder: "cards")
        for job in [a, b, c] { try await store.create(job, detail: nil) }
        #expect(try await store.jobs(matching: JobFilter()).map(\.id) == [a.id, b.id, c.id])
        #expect(try await store.jobs(matching: JobFilter(hotfolder: "cards")).map(\.id) == [a.id, c.id])
        #expect(try await store.jobs(matching: JobFilter(statuses: [.received])).map(\.id) == [a.id, b.id])
        #expect(try await store.jobs(matching: JobFilter(externalId: "ORD-1", limit: 1)).count == 1)
    }

    @Test(arguments: StoreKind.available) func outputsAreRecordedByName(_ kind: StoreKind) async throws {
        let store = try await kind.makeStore()
        let job = makeJob()
        try await store.create(job, detail: nil)
        try await store.recordOutput(job.id, name: "report", path: "/out/a.report.json")
        try await store.recordOutput(job.id, name: "report", path: "/out/a_0001.report.json")
        #expect(try await store.outputs(of: job.id) == ["report": "/out/a_0001.report.json"])
    }
}

/// What only the SQLite store has to keep: its file.
@Suite struct SQLiteJobStoreTests {
    private func makeJob() -> Job {
        Job(id: .generate(), status: .received, hotfolder: "cards", fileName: "a.pdf", claimedPath: "/w/a.pdf", originalPath: "/w/a.pdf",
            sha256: nil, sizeBytes: 10, kind: .pdf, externalId: nil, product: ProductSpec(), createdAt: Date(), updatedAt: Date())
    }

    @Test func fileStoreSurvivesReopening() async throws {
        let path = try makeTemporaryDirectory("store").appendingPathComponent("jobs.sqlite").path
        let job = makeJob()
        do {
            let store = try SQLiteJobStore(path: path)
            try await store.create(job, detail: nil)
            try await store.transition(job.id, to: .preflighting)
        }
        let reopened = try SQLiteJobStore(path: path)
        #expect(try await reopened.job(job.id)?.status == .preflighting)
    }
}

/// Retention: what is old and finished goes, with what hangs off it; nothing open, nothing recent.
@Suite struct RetentionTests {
    private func job(_ status: JobState, changed daysAgo: Double) -> Job {
        let at = Date().addingTimeInterval(-daysAgo * 86400)
        return Job(id: .generate(at: at), status: status, hotfolder: "cards", fileName: "a.pdf", claimedPath: nil, originalPath: nil,
                   sha256: nil, sizeBytes: nil, kind: .pdf, externalId: nil, product: ProductSpec(), createdAt: at, updatedAt: at)
    }

    @Test(arguments: StoreKind.complete) func oldFinishedJobsGoWithTheirHistoryAndDeliveries(_ kind: StoreKind) async throws {
        let store = try await kind.makeCompleteStore()
        let old = [job(.printReady, changed: 100), job(.failed, changed: 95), job(.rejected, changed: 91)]
        let recent = job(.printReady, changed: 10)
        let open = job(.awaitingApproval, changed: 200)
        let stillSending = job(.cancelled, changed: 120)
        for item in old + [recent, open, stillSending] { try await store.create(item, detail: nil) }
        try await store.plan([
            PlannedDelivery(endpoint: "https://erp.example.com/h", eventSequence: 1, eventId: "evt_A", jobId: old[0].id, body: Data()),
            PlannedDelivery(endpoint: "https://erp.example.com/h", eventSequence: 6, eventId: "evt_B", jobId: stillSending.id, body: Data()),
        ], through: 6)
        let delivery = try #require(try await store.deliveries(of: old[0].id).first)
        // Older than the attempts' own retention too: counted once, with its job.
        try await store.record(DeliveryAttempt(deliveryId: delivery.id, number: 1, at: Date().addingTimeInterval(-40 * 86400), httpStatus: 200,
                                               durationMs: 1, error: nil),
                               outcome: .delivered, error: nil)
        let cutoffs = RetentionPolicy().cutoffs(at: Date())
        let dry = try await store.purge(cutoffs, dryRun: true)
        #expect(Set(dry.jobs) == Set(old.map(\.id)) && dry.events == 3 && dry.deliveries == 1 && dry.attempts == 1)
        #expect(try await store.job(old[0].id) != nil, "a dry run removes nothing")
        let report = try await store.purge(cutoffs, dryRun: false)
        #expect(Set(report.jobs) == Set(old.map(\.id)) && report.attempts == dry.attempts)
        for item in old { #expect(try await store.job(item.id) == nil) }
        #expect(try await store.deliveries(of: old[0].id).isEmpty)
        #expect(try await store.attempts(of: delivery.id).isEmpty)
        for item in [recent, open, stillSending] { #expect(try await store.job(item.id) != nil) }
        // The feed keeps its sequence: what is left reads on from where it was.
        #expect(try await store.lastEventSequence() == 6)
        #expect(try await store.purge(cutoffs, dryRun: false).jobs.isEmpty)
    }
}
