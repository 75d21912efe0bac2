import Foundation
import TestFixtures
import Testing

/// Durability under the worst treatment: the agent killed with SIGKILL at random moments of every stage,
/// again and again, and then every dropped file must be accounted for exactly once and every event delivered.
/// `make test` runs 3 rounds; `make torture` runs 10 (HFA_TORTURE_ROUNDS).
@Suite(.serialized) struct TortureTests {
    static var rounds: Int { Int(ProcessInfo.processInfo.environment["HFA_TORTURE_ROUNDS"] ?? "") ?? 3 }

    /// Where a round's kill lands.
    enum Moment: CaseIterable, CustomStringConvertible {
        case intake, preflight, proof, printReady, delivery

        var description: String { "\(self)" }
        var workerStage: String? {
            switch self {
            case .preflight: "preflight"
            case .proof: "proof"
            case .printReady: "print-ready"
            case .intake, .delivery: nil
            }
        }
    }

    @Test func killedAtRandomMomentsLosesNothingAndDeliversEverything() async throws {
        var generator = SystemRandomNumberGenerator()
        let receiver = try await LoopbackReceiver.start()
        defer { Task { await receiver.stop() } }
        // Slow answers keep deliveries in flight when the kill comes.
        receiver.answerOtherwise(.init(status: .ok, delay: .milliseconds(30)))
        let schedule = ["0s"] + Array(repeating: "1s", count: 120)
        // No trim in the order, so the large heavy file passes preflight and its proof takes a while.
        let agent = try RunningAgent(product: "{pages: [1, 2]}",
                                     folderSettings: "callback_url: \"\(receiver.url)\"",
                                     topLevel: "callbacks:\n  allowed_networks: [127.0.0.0/8]\n  retry_schedule: [\(schedule.joined(separator: ", "))]")
        var dropped: [String] = []
        for round in 0..<Self.rounds {
            let moment = Moment.allCases[round % Moment.allCases.count]
            try await agent.start()
            for index in 0..<4 {
                let name = "r\(round)-\(index)"
                switch index {
                case 0: try agent.drop(PDFFixture.slowToRender(shapes: 3_000), as: name + "-heavy.pdf")
                case 1: try agent.drop(Data("not artwork\n".utf8), as: name + "-notes.pdf")
                default: try agent.drop(PDFFixture.businessCard(pages: 2), as: name + "-card.pdf")
                }
                dropped.append(name + ["-heavy.pdf", "-notes.pdf", "-card.pdf", "-card.pdf"][index])
            }
            if let stage = moment.workerStage {
                _ = await Self.poll(seconds: 20) { try? LoadAndCrashTests.workerProcess(stage: stage, under: agent.directory.path) }
            } else if moment == .delivery {
                let before = receiver.received.count
                _ = await Self.poll(seconds: 20) { receiver.received.count > before ? true : nil }
            }
            try await Task.sleep(for: .milliseconds(Int.random(in: 0...300, using: &generator)))
            agent.killHard()
        }

        try await agent.start()
        defer { agent.stop() }
        let jobs = try await agent.waitUntil("every dropped file accounted for") { () -> [[String: Any]]? in
            let jobs = try agent.jobs()
            let setAside = agent.files(in: "unsupported").filter { !$0.hasSuffix(".reason.txt") }
            let ended = jobs.filter { ["print_ready", "failed", "preflight_failed"].contains($0["status"] as? String ?? "") }
            return ended.count == jobs.count && jobs.count + setAside.count >= dropped.count ? jobs : nil
        }
        // Exactly once: each name is a job or set aside, never both, never twice.
        let setAside = agent.files(in: "unsupported").filter { !$0.hasSuffix(".reason.txt") }
        let accounted = jobs.compactMap { $0["fileName"] as? String } + setAside
        #expect(accounted.sorted() == dropped.sorted())
        #expect(setAside.allSatisfy { agent.files(in: "unsupported").contains($0 + ".reason.txt") })
        #expect(jobs.allSatisfy { $0["status"] as? String == "print_ready" }, "\(jobs.map { ($0["fileName"] ?? "", $0["status"] ?? "") })")
        #expect(agent.files(in: "in").isEmpty)
        #expect(Self.filesBelow(agent.folder().appendingPathComponent(".work")).isEmpty)

        // Every event of every job reaches the receiver (repeats allowed, with the same id).
        var eventCount = 0
        for job in jobs {
            let show = try agent.cli(["jobs", "show", job["id"] as? String ?? "", "--json"])
            eventCount += ((try JSONSerialization.jsonObject(with: Data(show.utf8)) as? [String: Any])?["events"] as? [Any])?.count ?? 0
        }
        let delivered = try await agent.waitUntil("every event delivered") { () -> Set<String>? in
            let ids = Set(receiver.received.filter { $0.answeredWith == 200 }.compactMap { $0.headers["webhook-id"] })
            return ids.count >= eventCount ? ids : nil
        }
        #expect(delivered.count == eventCount)
        let byId = Dictionary(grouping: receiver.received, by: { $0.headers["webhook-id"] ?? "" })
        #expect(byId.values.allSatisfy { Set($0.map(\.body)).count == 1 }, "a repeat carries the same body")
    }

    /// Polls `condition` for up to `seconds`; nil when it never held (the moment passed too quickly).
    static func poll<T>(seconds: Int, _ condition: () -> T?) async -> T? {
        for _ in 0..<(seconds * 20) {
            if let value = condition() { return value }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return nil
    }

    /// Regular files anywhere below `directory` (empty job folders do not count).
    static func filesBelow(_ directory: URL) -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: directory.path)
        var files: [String] = []
        while let path = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent(path).path, isDirectory: &isDirectory),
               !isDirectory.boolValue {
                files.append(path)
            }
        }
        return files
    }
}

extension TortureTests {
    /// Every hostile file ends as a job with a reason (an empty file is set aside: it is not artwork), the
    /// agent stays up and small, and no worker outlives its stage.
    @Test(.needsCorpus) func hostileFilesEndWithAReasonAndTheAgentSurvives() async throws {
        var generator = SystemRandomNumberGenerator()
        let vector = try Data(contentsOf: Corpus.file("ocrmypdf_vector.pdf"))
        let jpeg = try Data(contentsOf: Corpus.file("pikepdf_cmyk-jpeg.pdf"))
        let files: [(String, Data)] = [
            ("truncated-a.pdf", HostileFiles.truncated(vector, at: Double.random(in: 0.1...0.5, using: &generator))),
            ("truncated-b.pdf", HostileFiles.truncated(vector, at: Double.random(in: 0.5...0.95, using: &generator))),
            ("flipped-a.pdf", HostileFiles.flipped(vector, bytes: 200, using: &generator)),
            ("flipped-b.pdf", HostileFiles.flipped(jpeg, bytes: 40, using: &generator)),
            ("giant-page.pdf", HostileFiles.giantPageAtHighResolution()),
            ("nested-forms.pdf", HostileFiles.deeplyNestedForms()),
            ("bomb.pdf", try await offThePool { try HostileFiles.decompressionBomb() }),
            ("endless.pdf", PDFFixture.slowToRender(shapes: 400_000)),
            ("huge.jpg", HostileFiles.jpegWithHugeDeclaredSize()),
        ]
        // No trim ordered: the files get past the size check and into rendering, where they hurt.
        let agent = try RunningAgent(product: "{pages: 1}", topLevel: "limits: {stage_timeout: 20s, worker_memory: 1GiB}")
        try await agent.start()
        defer { agent.stop() }
        for (name, data) in files { try agent.drop(data, as: name) }
        try agent.drop(Data(), as: "empty.pdf")
        let jobs = try await agent.waitUntil("every hostile file ended") { () -> [[String: Any]]? in
            let jobs = try agent.jobs()
            let ended = jobs.filter { ["print_ready", "failed", "preflight_failed"].contains($0["status"] as? String ?? "") }
            return jobs.count == files.count && ended.count == jobs.count ? jobs : nil
        }
        for job in jobs {
            let name = job["fileName"] as? String ?? ""
            let status = job["status"] as? String ?? ""
            #expect(status == "failed" || status == "preflight_failed", "\(name) ended \(status)")
            if status == "failed" {
                #expect(!(job["failureReason"] as? String ?? "").isEmpty, "\(name) failed without a reason")
            }
            #expect(agent.files(in: "error").contains(name + ".reason.txt"), "\(name) has no reason file in error/")
        }
        #expect(agent.files(in: "unsupported").contains("empty.pdf.reason.txt"))
        let loop = try String(contentsOf: agent.folder().appendingPathComponent("error/nested-forms.pdf.reason.txt"), encoding: .utf8)
        #expect(loop.contains("nested more than 32 levels"), "the nested forms are refused by pdf.xobject_nesting: \(loop)")
        #expect(agent.isRunning)
        #expect(try LoadAndCrashTests.workerProcess(stage: "proof", under: agent.directory.path) == nil)
        #expect(try LoadAndCrashTests.workerProcess(stage: "preflight", under: agent.directory.path) == nil)
        let resident = try #require(agent.residentKiB)
        #expect(resident < 512 * 1024, "the agent itself holds \(resident) KiB")
    }
}
