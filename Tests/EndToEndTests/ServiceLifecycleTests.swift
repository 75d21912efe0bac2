import Foundation
import TestFixtures
import Testing

/// The agent as systemd runs it: readiness and watchdog over NOTIFY_SOCKET, reload on SIGHUP, a draining
/// stop on SIGTERM. Real binary, real signals, a notify socket of the test's own.
@Suite(.serialized) struct ServiceLifecycleTests {
    @Test func readinessAndWatchdogReachTheNotifySocket() async throws {
        let socket = try NotifySocket()
        defer { socket.close() }
        let agent = try RunningAgent()
        try await agent.start(environment: ["NOTIFY_SOCKET": socket.address, "WATCHDOG_USEC": "1000000"])
        _ = try await agent.waitUntil("READY=1 and two watchdog pings") { () -> Bool? in
            let received = socket.received
            return received.contains { $0.hasPrefix("READY=1\nSTATUS=1 hot folder;") }
                && received.filter { $0 == "WATCHDOG=1" }.count >= 2 ? true : nil
        }
        try agent.signal(SIGTERM)
        #expect(try await agent.waitForExit() == 0)
        #expect(socket.received.contains { $0.hasPrefix("STOPPING=1") })
        // The workers never inherit the socket: only the agent talks to systemd.
        #expect(agent.log.contains("systemd=\"notify, watchdog 1.0 seconds\""))
    }

    @Test func reloadAddsAFolderAndRefusesABrokenConfig() async throws {
        let socket = try NotifySocket()
        defer { socket.close() }
        let agent = try RunningAgent(folders: ["cards"])
        try await agent.start(environment: ["NOTIFY_SOCKET": socket.address])
        defer { agent.stop() }
        _ = try await agent.waitUntil("READY=1") { socket.received.contains { $0.hasPrefix("READY=1") } ? true : nil }

        try agent.writeConfig(folders: ["cards", "posters"])
        try agent.signal(SIGHUP)
        _ = try await agent.waitUntil("the new folder watched") {
            agent.log.contains("watching hot folder hotfolder=posters") ? true : nil
        }
        #expect(agent.log.contains("config reloaded added=posters"))
        try agent.drop(PDFFixture.businessCard(pages: 2), as: "poster.pdf", into: "posters")
        let jobs = try await agent.waitForTerminalJobs(1)
        #expect(jobs.first?["hotfolder"] as? String == "posters" && jobs.first?["status"] as? String == "print_ready")
        _ = try await agent.waitUntil("READY=1 after the reload") {
            socket.received.contains { $0.hasPrefix("READY=1\nSTATUS=config reloaded") } ? true : nil
        }

        try "hotfolders:\n  - name: cards\n    product: {trim: 85x55mm}\n    stability: soon\n".write(toFile: agent.configPath, atomically: true, encoding: .utf8)
        try agent.signal(SIGHUP)
        _ = try await agent.waitUntil("the broken config refused") {
            agent.log.contains("config reload refused") ? true : nil
        }
        #expect(agent.log.contains("config refused:"), "each problem is logged with its line")
        _ = try await agent.waitUntil("READY=1 after the refusal") {
            socket.received.contains { $0.hasPrefix("READY=1\nSTATUS=config reload refused") } ? true : nil
        }
        // Both folders still work on the config the agent had. (The file is put right for the CLI.)
        try agent.writeConfig(folders: ["cards", "posters"])
        try agent.drop(PDFFixture.businessCard(pages: 2), as: "card.pdf", into: "cards")
        let all = try await agent.waitForTerminalJobs(2)
        #expect(all.allSatisfy { $0["status"] as? String == "print_ready" })

        try agent.writeConfig(folders: ["posters"])
        try agent.signal(SIGHUP)
        _ = try await agent.waitUntil("the removed folder no longer watched") {
            agent.log.contains("config reloaded added=\"\" changed=\"\" removed=cards") ? true : nil
        }
        // The watcher stops after the reload is logged: wait for it rather than race it.
        _ = try await agent.waitUntil("the removed folder's watcher stopped") {
            agent.log.contains("stopped watching hot folder hotfolder=cards") ? true : nil
        }
        #expect(agent.isRunning)
    }

    @Test func aStopLetsTheRunningStageFinishAndTheJobResumesAtTheNextStart() async throws {
        let agent = try RunningAgent(product: "{pages: 2}")
        try await agent.start()
        try agent.drop(PDFFixture.slowToRender(shapes: 5_000), as: "heavy.pdf")
        _ = try await agent.waitUntil("the proof worker to start") {
            try LoadAndCrashTests.workerProcess(stage: "proof", under: agent.directory.path)
        }
        try agent.signal(SIGTERM)
        #expect(try await agent.waitForExit() == 0)
        #expect(agent.log.contains(#/stopping: letting running stages finish grace_s=75.0 running=1/#))
        // The proof finished; the next stage was left for the next start.
        let stopped = try agent.jobs()
        #expect(stopped.first?["status"] as? String == "proof_generated", "\(stopped)")
        try await agent.start()
        defer { agent.stop() }
        let jobs = try await agent.waitForTerminalJobs(1)
        #expect(jobs.first?["status"] as? String == "print_ready")
        #expect(agent.claimedFiles().isEmpty)
    }

    @Test func aStageStillRunningAfterTheGracePeriodIsStoppedAndResumesLater() async throws {
        let agent = try RunningAgent(product: "{pages: 2}", topLevel: "limits: {shutdown_grace: 300ms}")
        try await agent.start()
        try agent.drop(PDFFixture.slowToRender(), as: "heavy.pdf")
        _ = try await agent.waitUntil("the proof worker to start") {
            try LoadAndCrashTests.workerProcess(stage: "proof", under: agent.directory.path)
        }
        try agent.signal(SIGTERM)
        #expect(try await agent.waitForExit() == 0)
        #expect(agent.log.contains("stages still running after the grace period are stopped"))
        #expect(try LoadAndCrashTests.workerProcess(stage: "proof", under: agent.directory.path) == nil)
        #expect(try agent.jobs().first?["status"] as? String == "proofing", "left to be run again")
        #expect(agent.files(in: "error").isEmpty)
    }
}

extension ServiceLifecycleTests {
    @Test func lowDiskSpacePausesIntakeUntilSpaceIsBack() async throws {
        // No disk has 1000 TB free: the guard trips at once; lowering the threshold stands in for freed space.
        let agent = try RunningAgent(topLevel: "limits: {min_free_space: 1000TB}")
        try await agent.start()
        defer { agent.stop() }
        let port = try await agent.bridgePort()
        let ready = try await sendHTTP("GET", port: port, "/readyz")
        #expect(ready.status == 503)
        #expect(ready.text.contains("below min_free_space"), "\(ready.text)")
        try agent.drop(PDFFixture.businessCard(pages: 2), as: "card.pdf")
        _ = try await agent.waitUntil("the file held back") { agent.log.contains("intake paused; file left in the inbox") ? true : nil }
        #expect(try agent.jobs().isEmpty)
        #expect(agent.files(in: "in") == ["card.pdf"])

        try agent.writeConfig(folders: ["cards"], topLevel: "limits: {min_free_space: 1MB}")
        try agent.signal(SIGHUP)
        let jobs = try await agent.waitForTerminalJobs(1)
        #expect(jobs.first?["status"] as? String == "print_ready")
        #expect(agent.log.contains("intake resumed"))
        #expect(try await sendHTTP("GET", port: port, "/readyz").status == 200)
    }
}
