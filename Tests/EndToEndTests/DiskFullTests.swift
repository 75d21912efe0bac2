import Foundation
import TestFixtures
import Testing

/// A hot folder whose outputs live on a filesystem that fills up: a real 64 MiB tmpfs mount (root only).
/// Below `min_free_space` intake pauses and resumes by itself; a disk that fills while a stage runs leaves
/// no half-written output, fails no job, and the job finishes once space is back.
extension TortureTests {
    /// Whether this machine lets the test mount a tmpfs (root with CAP_SYS_ADMIN, as `make test` runs here).
    static let canMountTmpfs: Bool = {
        guard getuid() == 0, let directory = try? makeTemporaryDirectory("mount-probe") else { return false }
        defer { _ = try? runProgram("umount", [directory.path]) }
        return (try? runProgram("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", directory.path]).status) == 0
    }()

    @Test(.enabled(if: canMountTmpfs, "skipped: mounting a tmpfs needs root with CAP_SYS_ADMIN"))
    func aFillingDiskPausesIntakeLeavesNothingHalfWrittenAndResumes() async throws {
        let agent = try RunningAgent(product: "{pages: [1, 2]}")
        let disk = agent.directory.appendingPathComponent("outputs")
        try FileManager.default.createDirectory(at: disk, withIntermediateDirectories: true)
        #expect(try runProgram("mount", ["-t", "tmpfs", "-o", "size=64m", "tmpfs", disk.path]).status == 0)
        defer { _ = try? runProgram("umount", ["-l", disk.path]) }
        // Inbox, claim area and originals on the ordinary disk; every output on the small one.
        let paths = "paths: {print_ready: \(disk.path)/print-ready, proofs: \(disk.path)/proofs, reports: \(disk.path)/reports}"
        try agent.writeConfig(folders: ["cards"], product: "{pages: [1, 2]}", folderSettings: paths,
                              topLevel: "limits: {min_free_space: 16MiB}")
        let token = try agent.cli(["token", "create", "--name", "mis", "--scopes", "jobs:read,jobs:write"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try await agent.start()
        defer { agent.stop() }
        let port = try await agent.bridgePort()
        let filler = disk.appendingPathComponent("filler")

        try agent.drop(PDFFixture.businessCard(pages: 1), as: "first.pdf")
        #expect(try await agent.waitForTerminalJobs(1).first?["status"] as? String == "print_ready")

        // Below min_free_space: files wait in the inbox, /readyz says why.
        try fill(filler, leaving: 8 << 20, on: disk)
        _ = try await agent.waitUntil("the disk guard to pause intake") { agent.log.contains("intake paused: disk space low") ? true : nil }
        let ready = try await sendHTTP("GET", port: port, "/readyz")
        #expect(ready.status == 503 && ready.text.contains("below min_free_space"), "\(ready.text)")
        try agent.drop(PDFFixture.businessCard(pages: 1), as: "waiting-1.pdf")
        try agent.drop(PDFFixture.businessCard(pages: 2), as: "waiting-2.pdf")
        _ = try await agent.waitUntil("both files held back") {
            agent.log.components(separatedBy: "intake paused; file left in the inbox").count - 1 >= 2 ? true : nil
        }
        #expect(try agent.jobs().count == 1)
        #expect(Set(agent.files(in: "in")) == ["waiting-1.pdf", "waiting-2.pdf"])
        // An MIS uploading meanwhile is told to come back, before a byte is stored.
        let created = try await sendHTTP("POST", port: port, "/api/v1/jobs", bearer: token, json: ["externalId": "ORD-UP"])
        let apiJob = try #require(created.json["id"] as? String, "\(created.text)")
        let upload = try await sendHTTP("PUT", port: port, "/api/v1/jobs/\(apiJob)/file", bearer: token,
                                        body: PDFFixture.businessCard(pages: 1), contentType: "application/pdf")
        #expect(upload.status == 503 && upload.header("Retry-After") == "60" && upload.text.contains("min_free_space"), "\(upload.text)")
        try FileManager.default.removeItem(at: filler)
        _ = try await agent.waitUntil("the disk guard to resume intake") { agent.log.contains("intake resumed") ? true : nil }
        let retried = try await sendHTTP("PUT", port: port, "/api/v1/jobs/\(apiJob)/file", bearer: token,
                                         body: PDFFixture.businessCard(pages: 1), contentType: "application/pdf")
        #expect(retried.status == 200, "\(retried.text)")
        _ = try await agent.waitUntil("the held files and the upload to end print_ready") {
            let jobs = try agent.jobs()
            return jobs.count == 4 && jobs.allSatisfy { $0["status"] as? String == "print_ready" } ? true : nil
        }

        // The disk fills completely while a proof renders: its output cannot be written.
        try agent.drop(PDFFixture.slowToRender(shapes: 5_000), as: "heavy.pdf")
        _ = try await agent.waitUntil("the proof worker to start") {
            try LoadAndCrashTests.workerProcess(stage: "proof", under: agent.directory.path)
        }
        try fill(filler, leaving: 0, on: disk)
        _ = try await agent.waitUntil("the job to stop for want of space") {
            agent.log.contains("no space left to write the job's outputs") ? true : nil
        }
        let stopped = try #require(try agent.jobs().first { $0["fileName"] as? String == "heavy.pdf" })
        #expect(stopped["status"] as? String == "proofing", "a full disk is not the file's fault: \(stopped)")
        #expect(Self.filesBelow(disk).filter { $0.contains(".hfa-") }.isEmpty, "half-written files: \(Self.filesBelow(disk))")
        #expect(agent.files(in: "error").isEmpty)

        try FileManager.default.removeItem(at: filler)
        let jobs = try await agent.waitUntil("every job print_ready once space is back") { () -> [[String: Any]]? in
            let jobs = try agent.jobs()
            return jobs.count == 5 && jobs.allSatisfy { $0["status"] as? String == "print_ready" } ? jobs : nil
        }
        #expect(jobs.count == 5)
        #expect(agent.isRunning)
        #expect(agent.files(in: "in").isEmpty && agent.claimedFiles().isEmpty)
        let outputs = Self.filesBelow(disk)
        #expect(outputs.filter { $0.contains(".hfa-") }.isEmpty, "half-written files: \(outputs)")
        let printReady = outputs.filter { $0.hasPrefix("print-ready/") }
        #expect(printReady.count == 5, "\(outputs)")
        for file in printReady {
            #expect(try runProgram("qpdf", ["--check", disk.appendingPathComponent(file).path]).status == 0, "\(file) is damaged")
        }
        #expect(outputs.contains { $0.hasPrefix("proofs/heavy") }, "\(outputs)")
    }

    /// The job workspaces (where workers write) on a full filesystem: the worker's failure to write is the
    /// machine's fault, so the job keeps its state and finishes once space is back, with nothing in error/.
    @Test(.enabled(if: canMountTmpfs, "skipped: mounting a tmpfs needs root with CAP_SYS_ADMIN"))
    func aWorkerOnAFullDiskLeavesItsJobWaitingAndFinishesWhenSpaceReturns() async throws {
        let agent = try RunningAgent(product: "{pages: [1, 2]}", topLevel: "limits: {min_free_space: 0}")
        let jobs = agent.directory.appendingPathComponent("state/jobs")
        try FileManager.default.createDirectory(at: jobs, withIntermediateDirectories: true)
        #expect(try runProgram("mount", ["-t", "tmpfs", "-o", "size=16m", "tmpfs", jobs.path]).status == 0)
        defer { _ = try? runProgram("umount", ["-l", jobs.path]) }
        let filler = jobs.appendingPathComponent("filler")
        try fill(filler, leaving: 0, on: jobs)
        try await agent.start()
        defer { agent.stop() }
        try agent.drop(PDFFixture.businessCard(pages: 2), as: "waits.pdf")
        _ = try await agent.waitUntil("the worker to report the full disk") {
            agent.log.contains("a fault of the machine stopped the stage") && agent.log.contains("the server's disk is full") ? true : nil
        }
        let waiting = try #require(try agent.jobs().first)
        #expect(["preflighting", "received"].contains(waiting["status"] as? String ?? ""), "a full disk is not the file's fault: \(waiting)")
        #expect(agent.files(in: "error").isEmpty)
        try FileManager.default.removeItem(at: filler)
        let done = try await agent.waitUntil("the job to finish once space is back") { () -> [String: Any]? in
            let job = try agent.jobs().first
            return job?["status"] as? String == "print_ready" ? job : nil
        }
        #expect(done["failureReason"] == nil || done["failureReason"] is NSNull)
        #expect(try runProgram("qpdf", ["--check", agent.folder().appendingPathComponent("out/print-ready/waits.pdf").path]).status == 0)
    }

    /// Writes `file` until `disk` has at most `leaving` bytes free (0: until the filesystem refuses).
    private func fill(_ file: URL, leaving: UInt64, on disk: URL) throws {
        var info = statvfs()
        guard statvfs(disk.path, &info) == 0 else { throw CocoaError(.fileReadUnknown) }
        let free = UInt64(info.f_bavail) * UInt64(info.f_frsize)
        let blocks = leaving == 0 ? "count=100000" : "count=\(free > leaving ? (free - leaving) / 65_536 + 1 : 0)"
        _ = try runProgram("dd", ["if=/dev/zero", "of=\(file.path)", "bs=64k", blocks, "status=none"])
    }
}
