import Foundation
import TestFixtures
import Testing

/// The real `hotfolder-agent` binary running on a temporary config with real folders, driven as a shop
/// would drive it: files dropped into inboxes, the CLI asked about jobs.
final class RunningAgent: @unchecked Sendable {
    let directory: URL
    let configPath: String
    let logPath: String
    let folderNames: [String]
    /// Where the hot folders are: the agent's own directory, or a shop's folder several agents share.
    let folderRoot: URL
    private var process: Process?

    /// The binary under test: $HFA_BINARY, else the debug build of this package.
    static var binary: String {
        if let path = ProcessInfo.processInfo.environment["HFA_BINARY"] { return path }
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            let candidate = url.appendingPathComponent(".build/debug/hotfolder-agent")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate.path }
        }
        return "hotfolder-agent"
    }

    /// Writes a config with one hot folder per name; `folderSettings` and `topLevel` are extra YAML lines.
    /// `sharing`: the hot folders live there, not in the agent's own directory: several agents, one shop.
    init(folders: [String] = ["cards"], product: String = "{trim: 85x55mm, bleed: 3mm, pages: 2}",
         folderSettings: String = "", topLevel: String = "", sharing shop: URL? = nil) throws {
        folderNames = folders
        directory = try makeTemporaryDirectory("e2e")
        folderRoot = shop ?? directory
        configPath = directory.appendingPathComponent("hotfolders.yaml").path
        logPath = directory.appendingPathComponent("agent.log").path
        try writeConfig(folders: folders, product: product, folderSettings: folderSettings, topLevel: topLevel)
    }

    /// Replaces the config file (a running agent reads it again on SIGHUP).
    func writeConfig(folders: [String], product: String = "{trim: 85x55mm, bleed: 3mm, pages: 2}",
                     folderSettings: String = "", topLevel: String = "") throws {
        // Port 0: every agent under test gets a free port of its own; `bridgePort` reads it from the log.
        let bridge = topLevel.contains("bridge:") ? "" : "bridge:\n  listen: \"127.0.0.1:0\"\n"
        var yaml = "state_dir: state\nworkers: 2\n\(bridge)\(topLevel)\nhotfolders:\n"
        for name in folders {
            try FileManager.default.createDirectory(at: folderRoot.appendingPathComponent(name), withIntermediateDirectories: true)
            yaml += """
              - name: \(name)
                root: \(folderRoot.appendingPathComponent(name).path)
                product: \(product)
                stability: 2s
                poll_interval: 1s
            \(folderSettings.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))

            """
        }
        try yaml.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    func folder(_ name: String = "cards") -> URL { folderRoot.appendingPathComponent(name) }
    func inbox(_ name: String = "cards") -> URL { folder(name).appendingPathComponent("in") }

    /// A folder on the same filesystem as the inboxes, for writing files that are then renamed in.
    var staging: URL {
        let url = folderRoot.appendingPathComponent("staging")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Starts the agent and returns once every folder is being watched.
    func start(environment: [String: String] = [:]) async throws {
        let linesBefore = log.components(separatedBy: "watching hot folder").count
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = ["run", "--config", configPath]
        // HFA_E2E_LOG_LEVEL=debug: agents under test log more, for chasing a failure.
        if let level = ProcessInfo.processInfo.environment["HFA_E2E_LOG_LEVEL"] { process.arguments! += ["--log-level", level] }
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new } }
        if !FileManager.default.fileExists(atPath: logPath) { FileManager.default.createFile(atPath: logPath, contents: nil) }
        let logHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        logHandle.seekToEndOfFile()
        process.standardOutput = logHandle
        process.standardError = logHandle
        try process.run()
        self.process = process
        _ = try await waitUntil("the agent to watch its folders") { () -> Bool? in
            guard process.isRunning else {
                Issue.record("the agent exited at start:\n\(log.suffix(2000))")
                throw CancellationError()
            }
            return log.components(separatedBy: "watching hot folder").count - linesBefore >= folderNames.count ? true : nil
        }
    }

    var isRunning: Bool { process?.isRunning ?? false }

    /// The running agent's pid.
    var pid: Int32? { process.map(\.processIdentifier) }

    /// The agent process's resident memory (VmRSS), not its workers'.
    var residentKiB: Int? {
        guard let pid = process?.processIdentifier,
              let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return nil }
        return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
    }

    /// The port the bridge of the most recent start listens on.
    func bridgePort() async throws -> Int {
        try await waitUntil("the bridge to listen") { () -> Int? in
            guard let line = log.split(separator: "\n").last(where: { $0.contains("bridge listening") }),
                  let range = line.range(of: #"address=[0-9.]+:([0-9]+)"#, options: .regularExpression) else { return nil }
            return Int(line[range].split(separator: ":").last ?? "")
        }
    }

    /// Kills the agent the hard way, as a power cut or the OOM killer would.
    func killHard() {
        guard let process else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        self.process = nil
    }

    func signal(_ number: Int32) throws {
        guard let process else { throw CancellationError() }
        kill(process.processIdentifier, number)
    }

    /// Waits for the agent to exit by itself (after SIGTERM, say) and returns its exit status.
    func waitForExit() async throws -> Int32 {
        guard let process else { throw CancellationError() }
        _ = try await waitUntil("the agent to exit") { process.isRunning ? nil : true }
        self.process = nil
        return process.terminationStatus
    }

    /// SIGTERM and wait for the exit; an agent still running a minute later is a hang (a deadlock, say): it
    /// is recorded as a failure and killed, so one broken build cannot hold the suite for ever.
    func stop(sourceLocation: SourceLocation = #_sourceLocation) {
        guard let process, process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning && Date() < deadline { usleep(50_000) }
        if process.isRunning {
            Issue.record("the agent did not stop within a minute of SIGTERM; agent log:\n\(log.suffix(3000))", sourceLocation: sourceLocation)
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
        self.process = nil
    }

    /// Runs the CLI against this agent's config and returns its standard output.
    @discardableResult
    func cli(_ arguments: [String]) throws -> String {
        try runProgram(Self.binary, arguments + ["--config", configPath]).output
    }

    /// `jobs list --json`, decoded.
    func jobs() throws -> [[String: Any]] {
        let text = try cli(["jobs", "list", "--json"])
        guard let data = text.data(using: .utf8), !text.isEmpty,
              let array = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] else { return [] }
        return array
    }

    static let terminal: Set<String> = ["print_ready", "preflight_failed", "rejected", "failed", "cancelled"]

    /// Jobs once `count` of them are terminal. Waiting is bounded only so a broken build cannot hang CI.
    func waitForTerminalJobs(_ count: Int, sourceLocation: SourceLocation = #_sourceLocation) async throws -> [[String: Any]] {
        try await waitUntil("\(count) terminal jobs", sourceLocation: sourceLocation) {
            let jobs = try self.jobs()
            return jobs.filter { Self.terminal.contains($0["status"] as? String ?? "") }.count >= count ? jobs : nil
        }
    }

    func waitUntil<T>(_ what: String, within seconds: TimeInterval = 180, sourceLocation: SourceLocation = #_sourceLocation,
                      _ condition: () throws -> T?) async throws -> T {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let value = try condition() { return value }
            try await Task.sleep(for: .milliseconds(300))
        }
        Issue.record("gave up waiting for \(what); agent log:\n\(log.suffix(4000))", sourceLocation: sourceLocation)
        throw CancellationError()
    }

    /// The same for conditions that ask the bridge.
    func waitUntil<T>(_ what: String, within seconds: TimeInterval = 180, sourceLocation: SourceLocation = #_sourceLocation,
                      _ condition: () async throws -> T?) async throws -> T {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let value = try await condition() { return value }
            try await Task.sleep(for: .milliseconds(300))
        }
        Issue.record("gave up waiting for \(what); agent log:\n\(log.suffix(4000))", sourceLocation: sourceLocation)
        throw CancellationError()
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    func files(in relativePath: String, folder name: String = "cards") -> [String] {
        let path = folder(name).appendingPathComponent(relativePath).path
        return ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
    }

    /// Every file in the folder's claim areas (`.work/<node>/<job id>/`, and claims of the old layout,
    /// `.work/<job id>/`), by path below `.work`: what is still claimed. The areas themselves stay.
    func claimedFiles(folder name: String = "cards") -> [String] {
        let work = folder(name).appendingPathComponent(".work")
        return (FileManager.default.enumerator(atPath: work.path)?.compactMap { $0 as? String } ?? []).filter { path in
            var directory: ObjCBool = false
            return FileManager.default.fileExists(atPath: work.appendingPathComponent(path).path, isDirectory: &directory) && !directory.boolValue
        }.sorted()
    }

    /// The claim folder of job `id`, in whichever node's claim area it is.
    func claimFolder(of id: String, folder name: String = "cards") -> URL? {
        let work = folder(name).appendingPathComponent(".work")
        let areas = (try? FileManager.default.contentsOfDirectory(atPath: work.path)) ?? []
        return areas.map { work.appendingPathComponent($0).appendingPathComponent(id) }
            .first { FileManager.default.fileExists(atPath: $0.path) }
    }

    /// Writes `data` in the staging folder and renames it into the inbox, as `mv` on one filesystem does.
    func drop(_ data: Data, as name: String, into folderName: String = "cards") throws {
        let staged = staging.appendingPathComponent(UUID().uuidString)
        try data.write(to: staged)
        guard rename(staged.path, inbox(folderName).appendingPathComponent(name).path) == 0 else {
            throw CocoaError(.fileWriteUnknown)
        }
    }

    deinit {
        if let process, process.isRunning {
            kill(process.processIdentifier, SIGKILL)
        }
    }
}

/// Runs a tool from PATH and returns its standard output.
func runTool(_ arguments: String...) throws -> String {
    try runProgram(arguments[0], Array(arguments.dropFirst())).output
}

/// A box as `pdfinfo -box` prints it for page 1, as [x0, y0, x1, y1].
func pdfinfoBox(_ name: String, of path: String) throws -> [Double] {
    let output = try runTool("pdfinfo", "-box", path)
    guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }) else { return [] }
    return line.split(separator: " ").dropFirst().compactMap { Double($0) }
}

func sha256Hex(_ data: Data) throws -> String {
    let file = try makeTemporaryDirectory("sha").appendingPathComponent("f")
    try data.write(to: file)
    return String(try runProgram("sha256sum", [file.path]).output.prefix(64))
}
