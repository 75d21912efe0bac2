import Foundation
import TestFixtures
import Testing

/// Files dropped the ways shops drop them: each ends in exactly one job, or set aside with a reason.
@Suite(.serialized) struct DroppingFilesTests {
    @Test func movedFileBecomesOnePrintReadyJob() async throws {
        let agent = try RunningAgent()
        try await agent.start()
        defer { agent.stop() }
        try agent.drop(PDFFixture.businessCard(pages: 2), as: "card.pdf")
        let jobs = try await agent.waitForTerminalJobs(1)
        #expect(jobs.count == 1)
        let job = try #require(jobs.first)
        #expect(job["status"] as? String == "print_ready")
        #expect(job["fileName"] as? String == "card.pdf")
        #expect(job["hotfolder"] as? String == "cards")
        for key in ["id", "status", "hotfolder", "fileName", "sha256", "externalId", "createdAt", "updatedAt"] {
            #expect(job.keys.contains(key), "jobs list --json lacks \(key)")
        }
        #expect(agent.files(in: "out/print-ready") == ["card.pdf"])
        let printReady = agent.folder().appendingPathComponent("out/print-ready/card.pdf").path
        #expect(try pdfinfoBox("TrimBox", of: printReady) == [8.50, 8.50, 249.45, 164.41], "85 x 55 mm trim, 3 mm in")
        #expect(try pdfinfoBox("BleedBox", of: printReady) == [0, 0, 257.95, 172.91])
        #expect(agent.files(in: "out/proofs") == ["card-page-1.png", "card-page-2.png", "card-thumbnail.png", "card.proof.pdf"])
        #expect(agent.files(in: "out/reports") == ["card.report.html", "card.report.json"])
        #expect(agent.files(in: "originals") == ["card.pdf"])
        #expect(agent.files(in: "in").isEmpty)
        #expect(agent.claimedFiles().isEmpty)
        let show = try agent.cli(["jobs", "show", job["id"] as! String, "--json"])
        let detail = try JSONSerialization.jsonObject(with: Data(show.utf8)) as? [String: Any]
        let statuses = (detail?["events"] as? [[String: Any]])?.compactMap { $0["to"] as? String }
        #expect(statuses == ["received", "preflighting", "preflight_passed", "proofing", "proof_generated", "producing", "print_ready"])
        #expect(agent.log.contains("job=\(job["id"] as! String)"), "job lines carry the job id")
    }

    @Test func hangupDoesNotEndTheAgent() async throws {
        let agent = try RunningAgent()
        try await agent.start()
        defer { agent.stop() }
        try agent.signal(SIGHUP)
        // systemctl reload: the config is read again, the agent goes on.
        _ = try await agent.waitUntil("the reload to be logged") { agent.log.contains("config reloaded") ? true : nil }
        #expect(agent.isRunning)
        try agent.drop(PDFFixture.businessCard(pages: 2), as: "after.pdf")
        #expect(try await agent.waitForTerminalJobs(1).first?["status"] as? String == "print_ready")
    }

    @Test func slowCopyIsClaimedOnlyAfterItStopsGrowing() async throws {
        let agent = try RunningAgent()
        try await agent.start()
        defer { agent.stop() }
        let content = PDFFixture.businessCard(pages: 2, marker: String(repeating: "slow ", count: 2000))
        let path = agent.inbox().appendingPathComponent("slow.pdf").path
        // open(2) directly, as cp does: FileManager.createFile writes a temp file and renames it into place.
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        try #require(descriptor >= 0)
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        let chunk = (content.count + 4) / 5
        for index in 0..<5 {
            try handle.write(contentsOf: content[(index * chunk)..<min(content.count, (index + 1) * chunk)])
            try await Task.sleep(for: .seconds(1))
        }
        try handle.close()
        let jobs = try await agent.waitForTerminalJobs(1)
        #expect(jobs.count == 1)
        #expect(jobs.first?["sha256"] as? String == (try sha256Hex(content)))
        #expect(jobs.first?["sizeBytes"] as? Int == content.count)
        #expect(jobs.first?["status"] as? String == "print_ready")
    }

    @Test func rsyncStyleTempFileIsTakenOnlyUnderItsFinalName() async throws {
        let agent = try RunningAgent()
        try await agent.start()
        defer { agent.stop() }
        let content = PDFFixture.businessCard(pages: 2)
        let temporary = agent.inbox().appendingPathComponent(".card.pdf.Xr4kQ2")
        try content.prefix(content.count / 2).write(to: temporary)
        try await Task.sleep(for: .seconds(3))
        let handle = try FileHandle(forWritingTo: temporary)
        handle.seekToEndOfFile()
        try handle.write(contentsOf: content.suffix(from: content.count / 2))
        try handle.close()
        #expect(rename(temporary.path, agent.inbox().appendingPathComponent("card.pdf").path) == 0)
        let jobs = try await agent.waitForTerminalJobs(1)
        #expect(jobs.count == 1)
        #expect(jobs.first?["fileName"] as? String == "card.pdf")
        #expect(jobs.first?["sha256"] as? String == (try sha256Hex(content)))
    }

    @Test func pollingOnlyFolderFindsFilesWithoutInotify() async throws {
        // What a network share gets: no inotify, the rescan alone finds and judges the files.
        let agent = try RunningAgent(folderSettings: "watch: poll")
        try await agent.start()
        defer { agent.stop() }
        #expect(agent.log.contains("polling only"))
        try agent.drop(PDFFixture.businessCard(pages: 2), as: "moved.pdf")
        try PDFFixture.businessCard(pages: 2, marker: "copied").write(to: agent.inbox().appendingPathComponent("copied.pdf"))
        let jobs = try await agent.waitForTerminalJobs(2)
        #expect(Set(jobs.compactMap { $0["fileName"] as? String }) == ["moved.pdf", "copied.pdf"])
        #expect(Set(jobs.compactMap { $0["status"] as? String }) == ["print_ready"])
    }

    @Test func filePresentBeforeStartIsPickedUp() async throws {
        let agent = try RunningAgent()
        try FileManager.default.createDirectory(at: agent.inbox(), withIntermediateDirectories: true)
        try PDFFixture.businessCard(pages: 2).write(to: agent.inbox().appendingPathComponent("early.pdf"))
        try await agent.start()
        defer { agent.stop() }
        let jobs = try await agent.waitForTerminalJobs(1)
        #expect(jobs.map { $0["fileName"] as? String } == ["early.pdf"])
        #expect(jobs.first?["status"] as? String == "print_ready")
    }

    @Test func hiddenAndPartialFilesAreNeverProcessed() async throws {
        let agent = try RunningAgent()
        try await agent.start()
        defer { agent.stop() }
        let card = PDFFixture.businessCard(pages: 2)
        let ignored = [".hidden.pdf", "card.pdf.part", "~$card.pdf", "Thumbs.db"]
        for name in ignored { try card.write(to: agent.inbox().appendingPathComponent(name)) }
        // The marker arrives after them, so every scan that could take them has run by the time it is done.
        try await Task.sleep(for: .seconds(3))
        try agent.drop(card, as: "marker.pdf")
        let jobs = try await agent.waitForTerminalJobs(1)
        #expect(jobs.map { $0["fileName"] as? String } == ["marker.pdf"])
        #expect(agent.files(in: "in") == ignored.sorted())
        #expect(agent.files(in: "unsupported").isEmpty)
    }

    @Test func textFileIsSetAsideWithAReason() async throws {
        let agent = try RunningAgent()
        try await agent.start()
        defer { agent.stop() }
        try agent.drop(Data("Please print 500 cards\n".utf8), as: "order-notes.pdf")
        try await agent.drop(Data(), as: "empty.pdf")
        let reasons = try await agent.waitUntil("two files in unsupported/ with reasons") { () -> [String]? in
            let names = agent.files(in: "unsupported")
            return names.count == 4 ? names : nil
        }
        #expect(reasons == ["empty.pdf", "empty.pdf.reason.txt", "order-notes.pdf", "order-notes.pdf.reason.txt"])
        let reason = try String(contentsOf: agent.folder().appendingPathComponent("unsupported/order-notes.pdf.reason.txt"), encoding: .utf8)
        #expect(reason.contains("not a PDF, JPEG, PNG or TIFF"))
        let empty = try String(contentsOf: agent.folder().appendingPathComponent("unsupported/empty.pdf.reason.txt"), encoding: .utf8)
        #expect(empty.contains("empty"))
        #expect(try agent.jobs().isEmpty)
        #expect(agent.files(in: "in").isEmpty)
    }

    @Test func wrongPageCountEndsInErrorFolderWithReason() async throws {
        let agent = try RunningAgent()
        try await agent.start()
        defer { agent.stop() }
        try agent.drop(PDFFixture.businessCard(pages: 3), as: "three.pdf")
        let jobs = try await agent.waitForTerminalJobs(1)
        #expect(jobs.first?["status"] as? String == "preflight_failed")
        #expect(agent.files(in: "error") == ["three.pdf", "three.pdf.reason.txt"])
        let reason = try String(contentsOf: agent.folder().appendingPathComponent("error/three.pdf.reason.txt"), encoding: .utf8)
        #expect(reason.contains("3 page(s)"))
        #expect(agent.files(in: "out/reports") == ["three.report.html", "three.report.json"])
        let html = try String(contentsOf: agent.folder().appendingPathComponent("out/reports/three.report.html"), encoding: .utf8)
        #expect(html.contains("pages.count") && html.contains("data:image/png;base64,"), "the operator page lists the finding and shows the pages")
        #expect(agent.files(in: "out/print-ready").isEmpty)
    }

    @Test func approvalRequiredWaitsForAnOperator() async throws {
        let agent = try RunningAgent(folderSettings: "approval: required")
        try await agent.start()
        defer { agent.stop() }
        try agent.drop(PDFFixture.businessCard(pages: 2, marker: "yes"), as: "approve-me.pdf")
        try agent.drop(PDFFixture.businessCard(pages: 2, marker: "no"), as: "reject-me.pdf")
        let waiting = try await agent.waitUntil("two jobs awaiting approval") { () -> [[String: Any]]? in
            let jobs = try agent.jobs()
            return jobs.filter { $0["status"] as? String == "awaiting_approval" }.count == 2 ? jobs : nil
        }
        #expect(agent.files(in: "out/proofs").count == 8, "proofs, thumbnails and proof sheets are there to look at before approving")
        #expect(agent.files(in: "out/print-ready").isEmpty)
        let id = { (name: String) in waiting.first { $0["fileName"] as? String == name }?["id"] as? String ?? "" }
        #expect(try agent.cli(["jobs", "approve", id("approve-me.pdf")]).contains("approved"))
        #expect(try agent.cli(["jobs", "reject", id("reject-me.pdf"), "--reason", "colours too dark"]).contains("rejected"))
        let jobs = try await agent.waitForTerminalJobs(2)
        let status = { (name: String) in jobs.first { $0["fileName"] as? String == name }?["status"] as? String }
        #expect(status("approve-me.pdf") == "print_ready")
        #expect(status("reject-me.pdf") == "rejected")
        #expect(agent.files(in: "out/print-ready") == ["approve-me.pdf"])
        #expect(agent.files(in: "error") == ["reject-me.pdf", "reject-me.pdf.reason.txt"])
        let reason = try String(contentsOf: agent.folder().appendingPathComponent("error/reject-me.pdf.reason.txt"), encoding: .utf8)
        #expect(reason.contains("colours too dark"))
        #expect(agent.claimedFiles().isEmpty)
        // A finished job cannot be approved again.
        #expect(try agent.cli(["jobs", "approve", id("approve-me.pdf")]).isEmpty)
    }

    @Test func sameNameTwiceGetsTwoJobsAndNoOverwrite() async throws {
        let agent = try RunningAgent()
        try await agent.start()
        defer { agent.stop() }
        try agent.drop(PDFFixture.businessCard(pages: 2, marker: "first"), as: "card.pdf")
        _ = try await agent.waitForTerminalJobs(1)
        try agent.drop(PDFFixture.businessCard(pages: 2, marker: "second"), as: "card.pdf")
        let jobs = try await agent.waitForTerminalJobs(2)
        #expect(Set(jobs.compactMap { $0["sha256"] as? String }).count == 2)
        #expect(agent.files(in: "out/print-ready") == ["card.pdf", "card_0001.pdf"])
        #expect(agent.files(in: "originals") == ["card.pdf", "card_0001.pdf"])
    }
}
