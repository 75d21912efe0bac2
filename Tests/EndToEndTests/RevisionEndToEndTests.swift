import Foundation
import TestFixtures
import Testing

/// New versions through the real binary: a rejected or failed job takes a new file as its next revision,
/// the same job goes on to print_ready, and the earlier revision's report stays readable.
@Suite(.serialized) struct RevisionEndToEndTests {
    @Test func aRejectedJobGetsANewFileAndIsPrintedAsRevisionTwo() async throws {
        let agent = try RunningAgent(folderSettings: "approval: required")
        let token = try agent.cli(["token", "create", "--name", "mis", "--scopes", "jobs:read,jobs:write,jobs:approve"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try await agent.start()
        defer { agent.stop() }
        let port = try await agent.bridgePort()
        let id = try #require(try await sendHTTP("POST", port: port, "/api/v1/jobs", bearer: token, json: ["externalId": "ORD-REV"]).json["id"] as? String)
        func job() async throws -> [String: Any] { try await sendHTTP("GET", port: port, "/api/v1/jobs/\(id)", bearer: token).json }
        func awaitingApproval(revision: Int) async throws -> [String: Any] {
            try await agent.waitUntil("revision \(revision) to await approval") { () async throws -> [String: Any]? in
                let view = try await job()
                return view["status"] as? String == "awaiting_approval" && view["revision"] as? Int == revision ? view : nil
            }
        }

        let first = try await sendHTTP("PUT", port: port, "/api/v1/jobs/\(id)/file", bearer: token, body: PDFFixture.businessCard(pages: 2),
                                       contentType: "application/pdf")
        #expect(first.status == 200)
        let one = try await awaitingApproval(revision: 1)
        let oldLink = try #require((one["links"] as? [String: Any])?["proofPage"] as? String)
        let oldPath = String(oldLink[try #require(oldLink.range(of: "/proof/")).lowerBound...])
        #expect(try await sendHTTP("POST", port: port, "/api/v1/jobs/\(id)/reject", bearer: token, json: ["reason": "Please use the new logo"]).status == 200)

        let second = try await sendHTTP("PUT", port: port, "/api/v1/jobs/\(id)/file", bearer: token,
                                        body: PDFFixture.businessCard(pages: 2, marker: "new logo"), contentType: "application/pdf")
        #expect(second.status == 200 && second.json["revision"] as? Int == 2, "\(second.text)")
        _ = try await awaitingApproval(revision: 2)
        // Revision 1's proof link decides nothing now.
        let stale = try await sendHTTP("POST", port: port, oldPath.replacingOccurrences(of: "?t=", with: "/approve?t="), bearer: nil,
                                       body: Data(), contentType: "application/x-www-form-urlencoded")
        #expect(stale.status == 403)
        #expect(try await sendHTTP("POST", port: port, "/api/v1/jobs/\(id)/approve", bearer: token).status == 200)
        let done = try await agent.waitUntil("revision 2 to be print-ready") { () async throws -> [String: Any]? in
            let view = try await job()
            return view["status"] as? String == "print_ready" ? view : nil
        }
        #expect(done["revision"] as? Int == 2 && done["id"] as? String == id)

        // Revision 1 stays readable: its report and proof, as they were.
        let revisions = try await sendHTTP("GET", port: port, "/api/v1/jobs/\(id)/revisions", bearer: token).json["revisions"] as? [[String: Any]]
        #expect(revisions?.map { $0["status"] as? String } == ["rejected", "print_ready"])
        #expect(revisions?.first?["failureReason"] as? String == "Please use the new logo")
        let report = try await sendHTTP("GET", port: port, "/api/v1/jobs/\(id)/revisions/1/report", bearer: token)
        #expect(report.status == 200 && (report.json["file"] as? [String: Any])?["pages"] as? Int == 2)
        #expect(try await sendHTTP("GET", port: port, "/api/v1/jobs/\(id)/revisions/1/proofs/1.png", bearer: token).status == 200)
        let current = try await sendHTTP("GET", port: port, "/api/v1/jobs/\(id)/report", bearer: token)
        #expect(current.status == 200 && current.text != report.text, "revision 2 has a report of its own")
        // Its history says when the new file came, and every event says its revision.
        let events = try await sendHTTP("GET", port: port, "/api/v1/jobs/\(id)/events", bearer: token).json["events"] as? [[String: Any]] ?? []
        let started = events.firstIndex { $0["type"] as? String == "job.revision_started" }
        #expect(started != nil, "\(events.map { $0["type"] ?? "" })")
        if let started {
            #expect(events[..<started].allSatisfy { ($0["data"] as? [String: Any])?["revision"] as? Int == 1 })
            #expect(events[started...].allSatisfy { ($0["data"] as? [String: Any])?["revision"] as? Int == 2 })
        }
    }

    @Test func aDroppedFileWithTheSameOrderKeyIsTheFailedJobsNextRevision() async throws {
        let agent = try RunningAgent(folderSettings: #"filename_pattern: '^(?<externalId>ORD-[0-9]+)_.*\.pdf$'"#)
        try await agent.start()
        defer { agent.stop() }
        // Three pages where two are ordered: preflight fails.
        try agent.drop(PDFFixture.businessCard(pages: 3), as: "ORD-77_first.pdf")
        let failed = try await agent.waitForTerminalJobs(1)
        #expect(failed.first?["status"] as? String == "preflight_failed")
        let id = try #require(failed.first?["id"] as? String)
        try agent.drop(PDFFixture.businessCard(pages: 2), as: "ORD-77_fixed.pdf")
        let jobs = try await agent.waitUntil("the same job to be print-ready") { () -> [[String: Any]]? in
            let jobs = try agent.jobs()
            return jobs.first?["status"] as? String == "print_ready" ? jobs : nil
        }
        #expect(jobs.count == 1, "one order, one job: \(jobs.map { $0["fileName"] ?? "" })")
        #expect(jobs.first?["id"] as? String == id && jobs.first?["revision"] as? Int == 2 && jobs.first?["fileName"] as? String == "ORD-77_fixed.pdf")
        // Each file ends where its revision ended: the first in error/ with its reason, the second in originals/.
        #expect(agent.files(in: "error") == ["ORD-77_first.pdf", "ORD-77_first.pdf.reason.txt"])
        #expect(agent.files(in: "originals") == ["ORD-77_fixed.pdf"])
        #expect(agent.claimedFiles().isEmpty && agent.files(in: "in").isEmpty)
        // A file for an order whose job is done is a job of its own.
        try agent.drop(PDFFixture.businessCard(pages: 2, marker: "reprint"), as: "ORD-77_reprint.pdf")
        let both = try await agent.waitForTerminalJobs(2)
        #expect(both.count == 2 && both.allSatisfy { $0["status"] as? String == "print_ready" })
    }

    /// A kill between claiming a new version's file and recording it leaves the file in `.work/<job id>/`
    /// beside a job that failed: the next start makes it that job's next revision, and the file is not lost.
    @Test func aNewVersionClaimedWhenTheAgentWasKilledIsAdoptedAtTheNextStart() async throws {
        let agent = try RunningAgent(folderSettings: #"filename_pattern: '^(?<externalId>ORD-[0-9]+)_.*\.pdf$'"#)
        try await agent.start()
        try agent.drop(PDFFixture.businessCard(pages: 3), as: "ORD-88_first.pdf")
        let failed = try await agent.waitForTerminalJobs(1)
        let id = try #require(failed.first?["id"] as? String)
        #expect(failed.first?["status"] as? String == "preflight_failed")
        agent.killHard()
        // What the intake had done when it was killed: the file renamed into the job's claim, nothing recorded.
        let claim = agent.folder().appendingPathComponent(".work/\(id)")
        try FileManager.default.createDirectory(at: claim, withIntermediateDirectories: true)
        try PDFFixture.businessCard(pages: 2).write(to: claim.appendingPathComponent("ORD-88_second.pdf"))
        try await agent.start()
        defer { agent.stop() }
        let done = try await agent.waitUntil("the adopted revision to be print-ready") { () -> [String: Any]? in
            let job = try agent.jobs().first { $0["id"] as? String == id }
            return job?["status"] as? String == "print_ready" ? job : nil
        }
        #expect(done["revision"] as? Int == 2 && done["fileName"] as? String == "ORD-88_second.pdf")
        #expect(try agent.jobs().count == 1)
        #expect(agent.files(in: "originals") == ["ORD-88_second.pdf"] && agent.claimedFiles().isEmpty)
    }
}
