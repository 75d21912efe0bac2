import Foundation
import TestFixtures
import Testing

/// Workers never outlive their agent, never share a job, and hand back reasons people can read.
@Suite(.serialized) struct WorkerIsolationTests {
    /// `HFA_ORPHAN_ROUNDS` overrides the 21 rounds (7 per stage).
    static var rounds: Int { Int(ProcessInfo.processInfo.environment["HFA_ORPHAN_ROUNDS"] ?? "") ?? 21 }
    static let stages = ["preflight", "proof", "print-ready"]
    /// Words that must never reach a job's reason or event: Foundation's error texts and paths.
    static let forbidden = ["NSCocoaErrorDomain", "Error Domain", "/tmp/", "/state/", "/.work/"]

    @Test func killedJustAfterAWorkerStartsLeavesNoOrphanAndEveryJobEndsPrintReady() async throws {
        // Any file does: a worker takes tens of milliseconds to start, and the test looks every 2 ms.
        let agent = try RunningAgent(product: "{pages: [1, 2]}")
        var caught: [String: Int] = [:]
        for round in 0..<Self.rounds {
            let stage = Self.stages[round % Self.stages.count]
            try await agent.start()
            try agent.drop(PDFFixture.businessCard(pages: 2), as: "r\(round)-card.pdf")
            guard let worker = await Self.firstWorker(stage: stage, under: agent.directory.path) else { continue }
            let agentPid = try #require(agent.pid)
            #expect(Self.processGroup(of: worker) == worker, "the worker leads its own process group")
            #expect(Self.processGroup(of: worker) != Self.processGroup(of: agentPid))
            agent.killHard()
            let gone = await Self.poll(for: .seconds(1)) { Self.isGone(worker) ? true : nil }
            #expect(gone == true, "the \(stage) worker \(worker) outlived its agent by more than a second")
            caught[stage, default: 0] += 1
        }
        #expect(caught.values.reduce(0, +) >= Self.rounds / 2, "the kill landed while a worker started in \(caught) rounds only")
        print("orphan rounds: the kill landed right after a worker started in \(caught)")

        try await agent.start()
        defer { agent.stop() }
        let jobs = try await agent.waitUntil("every job ended") { () -> [[String: Any]]? in
            let jobs = try agent.jobs()
            return jobs.count == Self.rounds && jobs.allSatisfy({ RunningAgent.terminal.contains($0["status"] as? String ?? "") }) ? jobs : nil
        }
        #expect(jobs.allSatisfy { $0["status"] as? String == "print_ready" },
                "\(jobs.map { ($0["fileName"] ?? "", $0["status"] ?? "", $0["failureReason"] ?? "") })")
        for job in jobs {
            for text in try Self.reasonsAndEventDetails(of: job["id"] as? String ?? "", agent: agent) {
                for word in Self.forbidden { #expect(!text.contains(word), "\(word) in \(text)") }
            }
        }
        #expect(try Self.workers(under: agent.directory.path).isEmpty)
    }

    @Test func twoWorkersForOneJobTakeTurnsAndTheOutputIsWhole() async throws {
        let directory = try makeTemporaryDirectory("two-workers")
        defer { try? FileManager.default.removeItem(at: directory) }
        let workspace = directory.appendingPathComponent("job")
        try FileManager.default.createDirectory(at: workspace, withIntermediateDirectories: true)
        let input = directory.appendingPathComponent("card.pdf")
        try PDFFixture.slowToRender(shapes: 20_000).write(to: input)
        let output = workspace.appendingPathComponent("print-ready.pdf")
        let arguments = ["work", "print-ready", "--workspace", workspace.path, "--input", input.path, "--output", output.path]

        // Both at once: the second waits for the first's lock, then writes its own whole file.
        async let first = runProgramOffThePool(RunningAgent.binary, arguments)
        async let second = runProgramOffThePool(RunningAgent.binary, arguments)
        let results = try await [first, second]
        #expect(results.map(\.status) == [0, 0], "\(results.map(\.output))")
        #expect(try runProgram("qpdf", ["--check", output.path]).status == 0)
        let names = try FileManager.default.contentsOfDirectory(atPath: workspace.path)
        #expect(names.allSatisfy { !$0.hasSuffix(".partial") }, "staging files left: \(names)")

        // An earlier worker that still holds the job: the next one gives up after its wait, touching nothing.
        let before = try FileManager.default.attributesOfItem(atPath: output.path)[.systemFileNumber] as? Int
        let lock = open(workspace.appendingPathComponent(".lock").path, O_RDWR | O_CLOEXEC)
        #expect(lock >= 0 && flock(lock, LOCK_EX) == 0)
        let refused = try await runProgramOffThePool(RunningAgent.binary, arguments + ["--lock-wait", "0.3"], includingErrors: true)
        close(lock)
        #expect(refused.status == 1)
        #expect(refused.output.contains("an earlier worker of this job was still running"), "\(refused.output)")
        #expect(try FileManager.default.attributesOfItem(atPath: output.path)[.systemFileNumber] as? Int == before)
    }

    @Test func aSecondAgentOnTheSameStateDirectoryExitsNamingTheFirst() async throws {
        let agent = try RunningAgent()
        try await agent.start()
        defer { agent.stop() }
        let pid = try #require(agent.pid)
        let second = try await runProgramOffThePool(RunningAgent.binary, ["run", "--config", agent.configPath], includingErrors: true)
        #expect(second.status == 1)
        #expect(second.output.contains("another agent (pid \(pid)) is already running"), "\(second.output)")
        #expect(agent.isRunning)
        try agent.drop(PDFFixture.businessCard(pages: 2), as: "still-served.pdf")
        #expect(try await agent.waitForTerminalJobs(1).first?["status"] as? String == "print_ready")
    }

    @Test func cancellingAJobStopsItsRunningWorker() async throws {
        let agent = try RunningAgent(product: "{pages: [1, 2]}")
        let token = try agent.cli(["token", "create", "--name", "mis", "--scopes", "jobs:read,jobs:write"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try await agent.start()
        defer { agent.stop() }
        let port = try await agent.bridgePort()
        // Its preflight alone takes about a minute here.
        try agent.drop(PDFFixture.slowToRender(shapes: 200_000), as: "endless.pdf")
        let worker = try await agent.waitUntil("the preflight worker to start") {
            try LoadAndCrashTests.workerProcess(stage: "preflight", under: agent.directory.path)
        }
        let id = try #require(try agent.jobs().first?["id"] as? String)
        let cancelled = try await sendHTTP("POST", port: port, "/api/v1/jobs/\(id)/cancel", bearer: token)
        #expect(cancelled.status == 200, "\(cancelled.text)")
        _ = try await agent.waitUntil("the worker to be stopped") { Self.isGone(worker) ? true : nil }
        _ = try await agent.waitUntil("the original moved aside") { agent.files(in: "error").contains("endless.pdf") ? true : nil }
        #expect(try agent.jobs().first?["status"] as? String == "cancelled")
        #expect(agent.isRunning)
    }

    @Test func aRetriedJobsReportReplacesTheFailingOne() async throws {
        let agent = try RunningAgent(product: "{pages: 2}")
        try await agent.start()
        try agent.drop(PDFFixture.businessCard(pages: 1), as: "one-page.pdf")
        let failed = try #require(try await agent.waitForTerminalJobs(1).first)
        #expect(failed["status"] as? String == "preflight_failed")
        let id = try #require(failed["id"] as? String)
        agent.stop()
        // The operator decides a wrong page count is only a warning for this folder, and retries.
        try agent.writeConfig(folders: ["cards"], product: "{pages: 2}", folderSettings: "preflight: {severities: {pages.count: warning}}")
        #expect(try agent.cli(["jobs", "retry", id]).contains("queued for retry"))
        try await agent.start()
        defer { agent.stop() }
        _ = try await agent.waitUntil("the retried job to end print_ready") {
            try agent.jobs().first?["status"] as? String == "print_ready" ? true : nil
        }
        let reports = agent.files(in: "out/reports").filter { $0.hasSuffix(".report.json") }
        #expect(reports == ["one-page.report.json"])
        let published = try Data(contentsOf: agent.folder().appendingPathComponent("out/reports/one-page.report.json"))
        let report = try #require(try JSONSerialization.jsonObject(with: published) as? [String: Any])
        #expect(report["result"] as? String != "fail", "the old failing report is still published: \(report["result"] ?? "")")
        let current = try Data(contentsOf: agent.directory.appendingPathComponent("state/jobs/\(id)/report.json"))
        #expect(published == current)
    }

    // MARK: Helpers

    /// What people read of a job: its failure reason and every event's detail.
    static func reasonsAndEventDetails(of id: String, agent: RunningAgent) throws -> [String] {
        let show = try agent.cli(["jobs", "show", id, "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(show.utf8)) as? [String: Any] ?? [:]
        let job = object["job"] as? [String: Any] ?? object
        let events = object["events"] as? [[String: Any]] ?? []
        return ([job["failureReason"]] + events.map { $0["detail"] }).compactMap { $0 as? String }
    }

    /// The first `work STAGE` process under `directory`, looked for every few milliseconds for 60 s.
    static func firstWorker(stage: String, under directory: String) async -> Int32? {
        await poll(for: .seconds(60), every: .milliseconds(2)) { try? LoadAndCrashTests.workerProcess(stage: stage, under: directory) }
    }

    static func poll<T>(for limit: Duration, every interval: Duration = .milliseconds(20), _ condition: () -> T?) async -> T? {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if let value = condition() { return value }
            try? await Task.sleep(for: interval)
        }
        return condition()
    }

    /// Every `work` process whose arguments name a path under `directory`.
    static func workers(under directory: String) throws -> [Int32] {
        try stages.compactMap { try LoadAndCrashTests.workerProcess(stage: $0, under: directory) }
    }

    /// Gone, or a zombie waiting for whoever inherited it to reap it: either way it runs no more.
    static func isGone(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return true }
        return stat[stat.index(close, offsetBy: 2)] == "Z"
    }

    /// Field 5 of /proc/PID/stat.
    static func processGroup(of pid: Int32) -> Int32? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 2 ? Int32(fields[2]) : nil
    }
}
