import Foundation
import TestFixtures

/// Headless Chromium driven over WebDriver (chromedriver's plain HTTP protocol), to use a page as a
/// customer's phone would: load it, look at it, press its buttons.
///
/// Commands go through curl: chromedriver writes headers without a space after the colon, which
/// Foundation's URLSession refuses ("Failed writing header").
final class WebDriverSession: @unchecked Sendable {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static let driver = ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static var isAvailable: Bool { chromium != nil && driver != nil }

    private let process: Process
    private let port: Int
    private var session = ""

    struct Failure: Error, CustomStringConvertible { var description: String }

    init() async throws {
        guard let chromium = Self.chromium, let driver = Self.driver else { throw Failure(description: "chromium and chromedriver are not installed") }
        // A random port may be taken (chromedriver then exits at once): another one, a few times. A driver
        // that never answers is stopped, so no failed start leaves a process behind.
        var started: (Process, Int)?
        for _ in 0..<5 where started == nil {
            let candidate = Int.random(in: 20000...60000)
            let driverProcess = Process()
            driverProcess.executableURL = URL(fileURLWithPath: driver)
            driverProcess.arguments = ["--port=\(candidate)"]
            driverProcess.standardOutput = FileHandle.nullDevice
            driverProcess.standardError = FileHandle.nullDevice
            try driverProcess.run()
            var ready = false
            for _ in 0..<300 where !ready && driverProcess.isRunning {
                ready = (try? Self.call("GET", "/status", nil, port: candidate)).flatMap { ($0["value"] as? [String: Any])?["ready"] as? Bool } == true
                if !ready { try await Task.sleep(for: .milliseconds(100)) }
            }
            if ready { started = (driverProcess, candidate) } else {
                if driverProcess.isRunning { driverProcess.terminate() }
                driverProcess.waitUntilExit()
            }
        }
        guard let started else { throw Failure(description: "chromedriver did not start") }
        (process, port) = started
        let reply = try await command("POST", "/session", [
            "capabilities": ["alwaysMatch": ["browserName": "chrome", "goog:chromeOptions": [
                "binary": chromium,
                // A phone-sized window; no sandbox because CI runs as root.
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=390,844"],
            ]]],
        ])
        guard let id = reply["sessionId"] as? String else {
            process.terminate()
            process.waitUntilExit()
            throw Failure(description: "no WebDriver session: \(reply)")
        }
        session = id
    }

    func open(_ url: String) async throws { _ = try await command("POST", "/session/\(session)/url", ["url": url]) }

    /// The first element matching `css`, as a WebDriver element id.
    func element(_ css: String) async throws -> String {
        let value = try await command("POST", "/session/\(session)/element", ["using": "css selector", "value": css])
        guard let id = value.values.first as? String else { throw Failure(description: "no element \(css)") }
        return id
    }

    func property(_ name: String, of element: String) async throws -> Any? {
        try await command("GET", "/session/\(session)/element/\(element)/property/\(name)", nil, key: "value")
    }

    func click(_ element: String) async throws { _ = try await command("POST", "/session/\(session)/element/\(element)/click", [:]) }

    func type(_ text: String, into element: String) async throws {
        _ = try await command("POST", "/session/\(session)/element/\(element)/value", ["text": text])
    }

    var pageText: String {
        get async throws {
            let body = try await element("body")
            return try await command("GET", "/session/\(session)/element/\(body)/text", nil, key: "value") as? String ?? ""
        }
    }

    func close() async {
        if !session.isEmpty { _ = try? await command("DELETE", "/session/\(session)", nil) }
        // chromedriver does not always end on SIGTERM (seen here: drivers of finished runs still listening).
        process.terminate()
        for _ in 0..<50 where process.isRunning { try? await Task.sleep(for: .milliseconds(100)) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    @discardableResult
    private func command(_ method: String, _ path: String, _ body: [String: Any]?) async throws -> [String: Any] {
        try await command(method, path, body, key: "value") as? [String: Any] ?? [:]
    }

    private func command(_ method: String, _ path: String, _ body: [String: Any]?, key: String) async throws -> Any? {
        let reply = try call(method, path, body)
        if let error = (reply["value"] as? [String: Any])?["error"] as? String {
            throw Failure(description: "\(method) \(path): \(error): \((reply["value"] as? [String: Any])?["message"] ?? "")")
        }
        return reply["value"]
    }

    private func call(_ method: String, _ path: String, _ body: [String: Any]?) throws -> [String: Any] {
        try Self.call(method, path, body, port: port)
    }

    private static func call(_ method: String, _ path: String, _ body: [String: Any]?, port: Int) throws -> [String: Any] {
        var arguments = ["-s", "-X", method, "http://127.0.0.1:\(port)\(path)"]
        if let body {
            arguments += ["-H", "Content-Type: application/json", "--data-binary",
                          String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)]
        }
        let output = try runProgram("curl", arguments).output
        return (try? JSONSerialization.jsonObject(with: Data(output.utf8))) as? [String: Any] ?? [:]
    }
}
