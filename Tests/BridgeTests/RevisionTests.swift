@testable import Bridge
import Foundation
import JobStore
import Pipeline
import TestFixtures
import Testing

/// A new file for a job that failed preflight or was rejected is the job's next revision; the earlier one's
/// report and proofs stay reachable, its proof links stop deciding.
@Suite(.serialized) struct RevisionTests {
    /// A job of the API, rejected after its proof: its report and a proof page in the workspace.
    func rejectedJob(_ bridge: BridgeHarness) async throws -> JobID {
        let id = try #require(JobID(try await bridge.createJob(["externalId": "ORD-R"])))
        let upload = try await bridge.send("PUT", "/api/v1/jobs/\(id)/file", body: PDFFixture.businessCard(pages: 1), contentType: "application/pdf")
        #expect(upload.status == 200, "\(upload.text)")
        for state in [JobState.preflighting, .preflightPassed, .proofing, .proofGenerated, .awaitingApproval] {
            try await bridge.store.transition(id, to: state)
        }
        let workspace = JobWorkspace(jobsDirectory: bridge.configuration.jobsDirectory, id: id)
        try FileManager.default.createDirectory(atPath: workspace.proofs, withIntermediateDirectories: true)
        try Data([0x89, 0x50, 0x4E, 0x47, 1]).write(to: URL(fileURLWithPath: workspace.proofPage(1)))
        let report = PreflightReport(profile: "basic", file: .init(name: "card.pdf", sha256: nil, bytes: 1, type: "pdf", pdfVersion: "1.4",
                                                                   pages: 1, encrypted: false, pdfx: nil),
                                     product: .init(ProductSpec()), pages: [], fonts: [], spotColors: [], findings: [], durationMs: 1)
        try JSONEncoder().encode(report).write(to: URL(fileURLWithPath: workspace.report))
        return id
    }

    @Test func aRejectedJobTakesANewFileAsItsNextRevision() async throws {
        let runnable = EndedJobs()
        let bridge = try await BridgeHarness.start(hooks: BridgeHooks(jobIsRunnable: { runnable.add($0) }))
        defer { Task { await bridge.stop() } }
        let id = try await rejectedJob(bridge)
        let view = try await bridge.send("GET", "/api/v1/jobs/\(id)").json
        let oldLink = try #require((view["links"] as? [String: Any])?["proofPage"] as? String)
        let rejected = try await bridge.send("POST", "/api/v1/jobs/\(id)/reject", json: ["reason": "Please use the new logo"])
        #expect(rejected.status == 200)

        let second = try await bridge.send("PUT", "/api/v1/jobs/\(id)/file", body: PDFFixture.businessCard(pages: 1, marker: "v2"),
                                           contentType: "application/pdf", headers: ["Content-Disposition": "attachment; filename=\"card-v2.pdf\""])
        #expect(second.status == 200, "\(second.text)")
        #expect(second.json["status"] as? String == "received" && second.json["revision"] as? Int == 2)
        #expect(second.json["fileName"] as? String == "card-v2.pdf")
        let links = try #require(second.json["links"] as? [String: Any])
        #expect(links["report"] == nil && links["proofs"] == nil, "revision 1's outputs are not revision 2's: \(links)")
        #expect((links["revisions"] as? String)?.hasSuffix("/api/v1/jobs/\(id)/revisions") == true)
        #expect(runnable.ids.last == id)

        // The proof link of revision 1 no longer opens, let alone decides.
        let old = try await bridge.send("GET", String(oldLink.dropFirst(BridgeHarness.publicURL.count)), token: nil)
        #expect(old.status == 403 && old.text.contains("earlier proof"))

        // Revision 1 is kept: listed, its report and proof served as the runner keeps them (revisions/1, marker 2).
        let workspace = JobWorkspace(jobsDirectory: bridge.configuration.jobsDirectory, id: id)
        try FileManager.default.createDirectory(atPath: workspace.revisionsDirectory + "/1", withIntermediateDirectories: true)
        for name in ["report.json", "proofs"] {
            try FileManager.default.moveItem(atPath: workspace.directory + "/" + name, toPath: workspace.revisionsDirectory + "/1/" + name)
        }
        try Data("2\n".utf8).write(to: URL(fileURLWithPath: workspace.revisionMarker))
        let list = try await bridge.send("GET", "/api/v1/jobs/\(id)/revisions").json
        let revisions = try #require(list["revisions"] as? [[String: Any]])
        #expect(revisions.map { $0["revision"] as? Int } == [1, 2])
        #expect(revisions[0]["status"] as? String == "rejected" && revisions[0]["failureReason"] as? String == "Please use the new logo")
        #expect(revisions[0]["current"] as? Bool == false && revisions[1]["current"] as? Bool == true)
        #expect(revisions[1]["status"] as? String == "received" && revisions[1]["fileName"] as? String == "card-v2.pdf")
        let firstLinks = try #require(revisions[0]["links"] as? [String: Any])
        #expect((firstLinks["report"] as? String)?.hasSuffix("/revisions/1/report") == true)
        #expect((firstLinks["proofs"] as? [String])?.first?.hasSuffix("/revisions/1/proofs/1.png") == true)
        let report = try await bridge.send("GET", "/api/v1/jobs/\(id)/revisions/1/report")
        #expect(report.status == 200 && report.json["profile"] as? String == "basic")
        let proof = try await bridge.send("GET", "/api/v1/jobs/\(id)/revisions/1/proofs/1.png")
        #expect(proof.status == 200 && proof.body == Data([0x89, 0x50, 0x4E, 0x47, 1]))
        #expect(try await bridge.send("GET", "/api/v1/jobs/\(id)/revisions/2/report").status == 404, "revision 2 has not been preflighted")
        #expect(try await bridge.send("GET", "/api/v1/jobs/\(id)/revisions/3").status == 404)
        let one = try await bridge.send("GET", "/api/v1/jobs/\(id)/revisions/1").json
        #expect(one["revision"] as? Int == 1 && one["fileName"] as? String == revisions[0]["fileName"] as? String && one["endedAt"] != nil)

        // The feed tells it: the new file is job.revision_started of revision 2; earlier events say revision 1.
        let feed = try await bridge.send("GET", "/api/v1/events?after=0").json
        let events = (feed["events"] as? [[String: Any]] ?? []).filter { ($0["data"] as? [String: Any])?["jobId"] as? String == id.rawValue }
        let started = try #require(events.last)
        #expect(started["type"] as? String == "job.revision_started")
        #expect((started["data"] as? [String: Any])?["revision"] as? Int == 2)
        #expect((started["data"] as? [String: Any])?["previousStatus"] as? String == "rejected")
        #expect(events.dropLast().allSatisfy { ($0["data"] as? [String: Any])?["revision"] as? Int == 1 })
        // An event of revision 1 read now links to the report revision 1 left, not to revision 2's.
        let rejectedEvent = try #require(events.first { $0["type"] as? String == "job.rejected" })
        let files = (rejectedEvent["data"] as? [String: Any])?["files"] as? [String: Any]
        #expect((files?["report"] as? String)?.hasSuffix("/api/v1/jobs/\(id)/revisions/1/report") == true, "\(String(describing: files))")
        #expect((rejectedEvent["data"] as? [String: Any])?["proofPageUrl"] == nil)
    }

    @Test func onlyAJobThatFailedOrWasRejectedTakesANewFile() async throws {
        let bridge = try await BridgeHarness.start()
        defer { Task { await bridge.stop() } }
        let id = try await rejectedJob(bridge)
        // Awaiting approval: the proof is out; a new file would pull the rug from under the customer.
        let early = try await bridge.send("PUT", "/api/v1/jobs/\(id)/file", body: PDFFixture.businessCard(pages: 1), contentType: "application/pdf")
        #expect(early.status == 409 && early.errorCode == "conflict")
        #expect((early.error["message"] as? String)?.contains("preflight_failed or rejected") == true)
        #expect(try await bridge.store.job(id)?.revision == 1)
        // Nor does a cancelled job.
        try await bridge.store.transition(id, to: .cancelled)
        let cancelled = try await bridge.send("PUT", "/api/v1/jobs/\(id)/file", body: PDFFixture.businessCard(pages: 1), contentType: "application/pdf")
        #expect(cancelled.status == 409)
    }
}
