@testable import Bridge
import Foundation
import JobStore
import Pipeline
import Testing

@Suite(.serialized) struct BridgeJobTests {
    @Test func createdJobsWaitForTheirFileWithTheFolderDefaultsApplied() async throws {
        let bridge = try await BridgeHarness.start()
        defer { Task { await bridge.stop() } }
        let reply = try await bridge.send("POST", "/api/v1/jobs", json: [
            "externalId": "ORD-7", "product": ["pages": 2, "safety": "4mm"], "approval": "required",
            "callbackUrl": "https://erp.example/hook", "metadata": ["line": "3"], "profile": "pdfx-4",
        ])
        #expect(reply.status == 201)
        let job = reply.json
        #expect(job["status"] as? String == "awaiting_file" && job["hotfolder"] as? String == "cards")
        let product = try #require(job["product"] as? [String: Any])
        #expect(product["trim"] as? String == "85x55mm" && product["bleed"] as? String == "3mm")
        #expect(product["safety"] as? String == "4mm" && product["pages"] as? Int == 2)
        #expect((job["metadata"] as? [String: String]) == ["line": "3"])
        #expect(job["approval"] as? String == "required" && job["profile"] as? String == "pdfx-4")
        let id = try #require(job["id"] as? String)
        #expect(reply.header("Location") == BridgeHarness.publicURL + "/api/v1/jobs/" + id)
        let jobID = try #require(JobID(id))
        let stored = try #require(try await bridge.store.job(jobID))
        #expect(stored.order.callbackURL == "https://erp.example/hook" && stored.order.approval == .required)
        let events = try await bridge.send("GET", "/api/v1/jobs/\(id)/events")
        let list = try #require(events.json["events"] as? [[String: Any]])
        #expect(list.map { $0["type"] as? String } == ["job.created"])
    }

    @Test(arguments: [
        (#"{"hotfolder": "nowhere"}"#, "hotfolder"),
        (#"{"profile": "pdfx-9"}"#, "profile"),
        (#"{"callbackUrl": "ftp://x"}"#, "callbackUrl"),
        (#"{"product": {"trim": "85xx55"}}"#, "product.trim"),
        (#"{"product": {"bleed": "three"}}"#, "product.bleed"),
    ])
    func invalidFieldsAreNamed(json: String, field: String) async throws {
        let bridge = try await BridgeHarness.start()
        defer { Task { await bridge.stop() } }
        let reply = try await bridge.send("POST", "/api/v1/jobs", body: Data(json.utf8), contentType: "application/json")
        #expect(reply.status == 422 && reply.errorCode == "validation_error")
        #expect(reply.error["field"] as? String == field)
    }

    @Test func brokenJSONIsABadRequest() async throws {
        let bridge = try await BridgeHarness.start()
        defer { Task { await bridge.stop() } }
        let reply = try await bridge.send("POST", "/api/v1/jobs", body: Data("{\"externalId\": ".utf8), contentType: "application/json")
        #expect(reply.status == 400 && reply.errorCode == "bad_request")
        let unknownField = try await bridge.send("POST", "/api/v1/jobs", json: ["externalId": "A", "colour": "red"])
        #expect((400...422).contains(unknownField.status))
    }

    @Test func anIdempotencyKeyReturnsTheStoredAnswerAndRefusesAnotherBody() async throws {
        let bridge = try await BridgeHarness.start()
        defer { Task { await bridge.stop() } }
        let body: [String: Any] = ["externalId": "ORD-9", "product": ["pages": 1]]
        let first = try await bridge.send("POST", "/api/v1/jobs", json: body, headers: ["Idempotency-Key": "abc"])
        let again = try await bridge.send("POST", "/api/v1/jobs", json: body, headers: ["Idempotency-Key": "abc"])
        #expect(first.status == 201 && again.status == 201)
        #expect(first.json["id"] as? String == again.json["id"] as? String)
        let other = try await bridge.send("POST", "/api/v1/jobs", json: ["externalId": "ORD-10"], headers: ["Idempotency-Key": "abc"])
        #expect(other.status == 422 && other.error["field"] as? String == "Idempotency-Key")
        // Keys belong to their token: another caller's "abc" is a new request.
        let otherCaller = try await bridge.send("POST", "/api/v1/jobs", token: "writer", json: body, headers: ["Idempotency-Key": "abc"])
        #expect(otherCaller.status == 201 && otherCaller.json["id"] as? String != first.json["id"] as? String)
        #expect(try await bridge.store.jobs(matching: JobFilter()).count == 2)
    }

    @Test func listingPagesThroughEveryJobNewestFirst() async throws {
        let bridge = try await BridgeHarness.start()
        defer { Task { await bridge.stop() } }
        var created: [String] = []
        for index in 0..<5 { created.append(try await bridge.createJob(["externalId": "ORD-\(index)", "hotfolder": index == 2 ? "posters" : "cards"])) }
        var seen: [String] = []
        var cursor: String?
        var pages = 0
        repeat {
            let reply = try await bridge.send("GET", "/api/v1/jobs?limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""))
            #expect(reply.status == 200)
            seen += (reply.json["jobs"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            cursor = reply.json["nextCursor"] as? String
            pages += 1
        } while cursor != nil && pages < 10
        #expect(seen == created.reversed() && pages == 3)
        let posters = try await bridge.send("GET", "/api/v1/jobs?hotfolder=posters")
        #expect((posters.json["jobs"] as? [[String: Any]])?.compactMap { $0["externalId"] as? String } == ["ORD-2"])
        let byExternal = try await bridge.send("GET", "/api/v1/jobs?externalId=ORD-4&status=awaiting_file")
        #expect((byExternal.json["jobs"] as? [[String: Any]])?.count == 1)
        let future = try await bridge.send("GET", "/api/v1/jobs?createdAfter=2999-01-01T00:00:00Z")
        #expect((future.json["jobs"] as? [[String: Any]])?.isEmpty == true)
        #expect(try await bridge.send("GET", "/api/v1/jobs?limit=500").status == 422)
        #expect(try await bridge.send("GET", "/api/v1/jobs?cursor=nonsense").status == 422)
        #expect(try await bridge.send("GET", "/api/v1/jobs?status=sleeping").status == 400)
    }

    @Test func transitionsAJobCannotMakeNowAreConflicts() async throws {
        let bridge = try await BridgeHarness.start()
        defer { Task { await bridge.stop() } }
        let id = try await bridge.createJob()
        let approve = try await bridge.send("POST", "/api/v1/jobs/\(id)/approve")
        #expect(approve.status == 409 && approve.errorCode == "conflict")
        #expect((approve.error["message"] as? String)?.contains("awaiting_file") == true)
        #expect(try await bridge.send("POST", "/api/v1/jobs/\(id)/retry").status == 409)
        let cancel = try await bridge.send("POST", "/api/v1/jobs/\(id)/cancel")
        #expect(cancel.status == 200 && cancel.json["status"] as? String == "cancelled")
        #expect(try await bridge.send("POST", "/api/v1/jobs/\(id)/cancel").status == 409)
        #expect(try await bridge.send("POST", "/api/v1/jobs/job_nonsense/cancel").status == 404)
    }

    @Test func approvingAndRejectingMoveAJobThatWaitsForApproval() async throws {
        let ended = EndedJobs()
        let bridge = try await BridgeHarness.start(hooks: BridgeHooks(jobEnded: { ended.add($0) }))
        defer { Task { await bridge.stop() } }
        var ids: [JobID] = []
        for _ in 0..<2 {
            let created = try await bridge.createJob()
            let id = try #require(JobID(created))
            for state in [JobState.received, .preflighting, .preflightPassed, .proofing, .proofGenerated, .awaitingApproval] {
                try await bridge.store.transition(id, to: state)
            }
            ids.append(id)
        }
        let approved = try await bridge.send("POST", "/api/v1/jobs/\(ids[0])/approve")
        #expect(approved.status == 200 && approved.json["status"] as? String == "approved")
        let noReason = try await bridge.send("POST", "/api/v1/jobs/\(ids[1])/reject", json: ["reason": "  "])
        #expect(noReason.status == 422 && noReason.error["field"] as? String == "reason")
        let rejected = try await bridge.send("POST", "/api/v1/jobs/\(ids[1])/reject", json: ["reason": "logo too small"])
        #expect(rejected.status == 200 && rejected.json["status"] as? String == "rejected")
        #expect((rejected.json["error"] as? [String: Any])?["message"] as? String == "logo too small")
        #expect(ended.ids == [ids[1]])
    }
}

extension BridgeJobTests {
    @Test func aFailedJobCanBeRetriedAndStartsAtOnce() async throws {
        let runnable = EndedJobs()
        let bridge = try await BridgeHarness.start(hooks: BridgeHooks(jobIsRunnable: { runnable.add($0) }))
        defer { Task { await bridge.stop() } }
        let created = try await bridge.createJob()
        let id = try #require(JobID(created))
        try await bridge.store.transition(id, to: .failed, detail: "crashed", update: JobUpdate(failureReason: "crashed"))
        let failed = try await bridge.send("GET", "/api/v1/jobs/\(id)")
        #expect((failed.json["error"] as? [String: Any])?["code"] as? String == "processing_failed")
        let retried = try await bridge.send("POST", "/api/v1/jobs/\(id)/retry")
        #expect(retried.status == 200 && retried.json["status"] as? String == "received" && retried.json["error"] == nil)
        #expect(runnable.ids == [id])
    }

    @Test func idempotencyKeysAreForgottenAfterADay() async throws {
        let bridge = try await BridgeHarness.start()
        defer { Task { await bridge.stop() } }
        let old = Date().addingTimeInterval(-IdempotencyRecord.lifetime - 60)
        let job = Job(id: .generate(at: old), status: .awaitingFile, hotfolder: "cards", fileName: "", claimedPath: nil,
                      originalPath: nil, sha256: nil, sizeBytes: nil, kind: nil, externalId: "OLD", product: ProductSpec(),
                      createdAt: old, updatedAt: old)
        try await bridge.store.create(job, detail: nil, idempotency: IdempotencyRecord(
            key: "reused", owner: "full", requestHash: "x", statusCode: 201, responseBody: Data(), createdAt: old))
        let reply = try await bridge.send("POST", "/api/v1/jobs", json: ["externalId": "NEW"], headers: ["Idempotency-Key": "reused"])
        #expect(reply.status == 201 && reply.json["externalId"] as? String == "NEW")
    }
}

final class EndedJobs: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [JobID] = []
    func add(_ id: JobID) { lock.withLock { list.append(id) } }
    var ids: [JobID] { lock.withLock { list } }
}

@Suite(.serialized) struct JobViewCacheTests {
    @Test func aKeptAnswerNeverHidesACommitOfThisProcess() async throws {
        let bridge = try await BridgeHarness.start()
        defer { Task { await bridge.stop() } }
        let created = try await bridge.createJob()
        let id = try #require(JobID(created))
        #expect(try await bridge.send("GET", "/api/v1/jobs/\(id)").json["status"] as? String == "awaiting_file")
        #expect(try await bridge.send("GET", "/api/v1/jobs/\(id)").json["status"] as? String == "awaiting_file")
        try await bridge.store.transition(id, to: .cancelled)
        #expect(try await bridge.send("GET", "/api/v1/jobs/\(id)").json["status"] as? String == "cancelled")
        // Each answer still has its own request id and rate-limit count.
        let first = try await bridge.send("GET", "/api/v1/jobs/\(id)")
        let second = try await bridge.send("GET", "/api/v1/jobs/\(id)")
        #expect(first.header("X-Request-Id") != second.header("X-Request-Id"))
        #expect(first.header("X-RateLimit-Remaining") != second.header("X-RateLimit-Remaining"))
        #expect(try await bridge.send("GET", "/api/v1/jobs/\(id)", token: "hfa_unknown").status == 401)
    }

    @Test func aChangeByAnotherProcessShowsSoon() async throws {
        let bridge = try await BridgeHarness.start()
        defer { Task { await bridge.stop() } }
        let created = try await bridge.createJob()
        let id = try #require(JobID(created))
        #expect(try await bridge.send("GET", "/api/v1/jobs/\(id)").json["status"] as? String == "awaiting_file")
        // The CLI writes through a store of its own on the same file.
        let other = try SQLiteJobStore(path: bridge.directory.appendingPathComponent("jobs.sqlite").path)
        try await other.transition(id, to: .cancelled)
        var status = ""
        for _ in 0..<100 where status != "cancelled" {
            status = try await bridge.send("GET", "/api/v1/jobs/\(id)").json["status"] as? String ?? ""
            if status != "cancelled" { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(status == "cancelled")
    }
}
