import Foundation
import TestFixtures
import Testing

/// Many files at once, a killed agent, and workers that crash or hang: every file still ends in exactly
/// one terminal job and the agent keeps running.
@Suite(.serialized) struct LoadAndCrashTests {
    /// Checks the invariants after a drain: one terminal job per dropped name, nothing left behind.
    private func expectEveryFileExactlyOnce(_ agent: RunningAgent, names: [String]) throws {
        let jobs = try agent.jobs()
        let fileNames = jobs.compactMap { $0["fileName"] as? String }
        #expect(fileNames.sorted() == names.sorted(), "every dropped file is in exactly one job")
        #expect(Set(jobs.compactMap { $0["sha256"] as? String }).count == names.count)
        let statuses = Set(jobs.compactMap { $0["status"] as? String })
        #expect(statuses == ["print_ready"], "all jobs ended print_ready: \(statuses)")
        #expect(agent.files(in: "in").isEmpty)
        #expect(agent.claimedFiles().isEmpty)
        #expect(agent.files(in: "originals").sorted() == names.sorted())
        #expect(agent.files(in: "out/print-ready").count == names.count)
    }

    @Test func twoHundredFilesAtOnceMakeTwoHundredJobs() async throws {
        let agent = try RunningAgent()
        try await agent.start()
        defer { agent.stop() }
        let names = (0..<200).map { String(format: "card-%03d.pdf", $0) }
        var staged: [(URL, String)] = []
        for name in names {
            let url = agent.staging.appendingPathComponent(name)
            try PDFFixture.businessCard(pages: 2, marker: name).write(to: url)
            staged.append((url, name))
        }
        for (url, name) in staged { #expect(rename(url.path, agent.inbox().appendingPathComponent(name).path) == 0) }
        _ = try await agent.waitForTerminalJobs(200)
        try expectEveryFileExactlyOnce(agent, names: names)
    }

    @Test func killedDuringADropLosesNothingAndProcessesNothingTwice() async throws {
        let agent = try RunningAgent()
        try await agent.start()
        let names = (0..<50).map { String(format: "order-%02d.pdf", $0) }
        for (index, name) in names.enumerated() {
            try agent.drop(PDFFixture.businessCard(pages: 2, marker: name), as: name)
            if index == 20 {
                // Let claims and workers get going, then pull the plug in the middle of it.
                _ = try await agent.waitUntil("some jobs claimed") { try agent.jobs().count >= 5 ? true : nil }
                agent.killHard()
            }
        }
        try await agent.start()
        defer { agent.stop() }
        _ = try await agent.waitForTerminalJobs(50)
        // A last look after the drain: no late duplicate may appear.
        try await Task.sleep(for: .seconds(2))
        try expectEveryFileExactlyOnce(agent, names: names)
    }

    @Test func claimWithoutAJobRowIsAdoptedAtStart() async throws {
        // The state a crash between the claim's rename and the store commit leaves behind.
        let agent = try RunningAgent()
        let id = "job_01ARZ3NDEKTSV4RRFFQ69G5FAV"
        let claim = agent.folder().appendingPathComponent(".work/\(id)")
        try FileManager.default.createDirectory(at: claim, withIntermediateDirectories: true)
        try PDFFixture.businessCard(pages: 2).write(to: claim.appendingPathComponent("orphan.pdf"))
        let empty = agent.folder().appendingPathComponent(".work/job_01ARZ3NDEKTSV4RRFFQ69G5FAW")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        // A reason half-written when the agent was killed setting a file aside: its own, not a customer's.
        let unsupported = agent.folder().appendingPathComponent("unsupported")
        try FileManager.default.createDirectory(at: unsupported, withIntermediateDirectories: true)
        try Data("half a reas".utf8).write(to: unsupported.appendingPathComponent(".hfa-8F4CA3F0-6D68-438E-9F35-CF70D7AA8886.tmp"))
        try await agent.start()
        defer { agent.stop() }
        let jobs = try await agent.waitForTerminalJobs(1)
        #expect(jobs.map { $0["id"] as? String } == [id])
        #expect(jobs.first?["status"] as? String == "print_ready")
        #expect(agent.claimedFiles().isEmpty)
        #expect(agent.files(in: "originals") == ["orphan.pdf"])
        #expect(agent.files(in: "unsupported").isEmpty, "the half-written file is gone")
        let show = try agent.cli(["jobs", "show", id])
        #expect(show.contains("adopted orphan.pdf from the claim area after a restart"))
    }

    @Test func crashingWorkerFailsOnlyItsJob() async throws {
        let agent = try RunningAgent(product: "{pages: 2}")
        try await agent.start()
        defer { agent.stop() }
        try agent.drop(PDFFixture.slowToRender(), as: "heavy.pdf")
        // The worker dies by a signal while it renders the proof, as under the kernel's OOM killer. (A SIGSEGV sent
        // from outside is caught and survived by Swift's backtracer, so SIGKILL stands in for a crash here.)
        let worker = try await agent.waitUntil("the proof worker to start") { () -> Int32? in
            try Self.workerProcess(stage: "proof", under: agent.directory.path)
        }
        kill(worker, SIGKILL)
        try agent.drop(PDFFixture.businessCard(pages: 2), as: "card.pdf")
        let jobs = try await agent.waitForTerminalJobs(2)
        let heavy = try #require(jobs.first { $0["fileName"] as? String == "heavy.pdf" })
        #expect(heavy["status"] as? String == "failed")
        #expect((heavy["failureReason"] as? String)?.contains("processing crashed with signal 9 (killed) during proof rendering") == true)
        #expect(jobs.first { $0["fileName"] as? String == "card.pdf" }?["status"] as? String == "print_ready")
        #expect(agent.isRunning)
        #expect(agent.files(in: "error") == ["heavy.pdf", "heavy.pdf.reason.txt"])
    }

    @Test func hangingWorkerIsStoppedAtTheStageLimit() async throws {
        let agent = try RunningAgent(product: "{pages: 2}", topLevel: "limits: {stage_timeout: 300ms}")
        try await agent.start()
        defer { agent.stop() }
        try agent.drop(PDFFixture.slowToRender(), as: "heavy.pdf")
        let jobs = try await agent.waitForTerminalJobs(1)
        #expect(jobs.first?["status"] as? String == "failed")
        let reason = jobs.first?["failureReason"] as? String ?? ""
        #expect(reason.contains("took longer than 0.3 s"), "reason: \(reason)")
        #expect(agent.isRunning)
        #expect(agent.files(in: "error") == ["heavy.pdf", "heavy.pdf.reason.txt"])
        #expect(try Self.workerProcess(stage: "proof", under: agent.directory.path) == nil, "the hung worker was killed")
    }

    @Test func failedJobCanBeRetried() async throws {
        let agent = try RunningAgent(product: "{pages: 2}", topLevel: "limits: {stage_timeout: 300ms}")
        try await agent.start()
        try agent.drop(PDFFixture.slowToRender(), as: "heavy.pdf")
        let jobs = try await agent.waitForTerminalJobs(1)
        let id = try #require(jobs.first?["id"] as? String)
        agent.stop()
        // The operator raises the limit and retries: the original comes back out of error/.
        var config = try String(contentsOfFile: agent.configPath, encoding: .utf8)
        config = config.replacingOccurrences(of: "stage_timeout: 300ms", with: "stage_timeout: 120s")
        try config.write(toFile: agent.configPath, atomically: true, encoding: .utf8)
        #expect(try agent.cli(["jobs", "retry", id]).contains("queued for retry"))
        try await agent.start()
        defer { agent.stop() }
        let retried = try await agent.waitUntil("the retried job to finish") { () -> [String: Any]? in
            let job = try agent.jobs().first
            return job?["status"] as? String == "print_ready" ? job : nil
        }
        #expect(retried["id"] as? String == id)
        #expect(agent.files(in: "originals") == ["heavy.pdf"])
        #expect(agent.files(in: "error").isEmpty)
    }

    /// The pid of a running `hotfolder-agent work STAGE` process whose input lies under `directory`.
    static func workerProcess(stage: String, under directory: String) throws -> Int32? {
        for entry in try FileManager.default.contentsOfDirectory(atPath: "/proc") {
            guard let pid = Int32(entry),
                  let raw = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { continue }
            let arguments = raw.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            if arguments.count > 2, arguments[1] == "work", arguments[2] == stage,
               arguments.contains(where: { $0.hasPrefix(directory) }) {
                return pid
            }
        }
        return nil
    }
}
