import Foundation
import TestFixtures
import Testing

/// The shipped unit file, checked by systemd's own tools: it must load cleanly and keep its hardening.
@Suite struct SystemdUnitTests {
    static let unitFile = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("systemd/hotfolder-agent.service")

    static var analyzer: Bool {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze")
            || ProcessInfo.processInfo.environment["HFA_REQUIRE_TEST_TOOLS"] != nil
    }

    /// The unit with ExecStart pointing at the binary under test, as `make install` writes it for a prefix.
    func installedCopy() throws -> URL {
        let directory = try makeTemporaryDirectory("unit")
        let text = try String(contentsOf: Self.unitFile, encoding: .utf8)
            .replacingOccurrences(of: "/usr/bin/hotfolder-agent", with: RunningAgent.binary)
        let copy = directory.appendingPathComponent("hotfolder-agent.service")
        try text.write(to: copy, atomically: true, encoding: .utf8)
        return copy
    }

    @Test(.enabled(if: analyzer)) func theUnitVerifiesClean() throws {
        // Its complaints go to standard error.
        let result = try runProgram("/bin/sh", ["-c", "/usr/bin/systemd-analyze verify \"$1\" 2>&1", "sh", try installedCopy().path])
        #expect(result.status == 0 && result.output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(result.output)")
    }

    @Test(.enabled(if: analyzer)) func theUnitsExposureIsAtMostTwo() throws {
        let result = try runProgram("/usr/bin/systemd-analyze", ["security", "--offline=true", "--no-pager", try installedCopy().path])
        let line = try #require(result.output.split(separator: "\n").first { $0.contains("Overall exposure level") })
        let exposure = try #require(line.firstMatch(of: #/: ([0-9.]+)/#).flatMap { Double($0.1) })
        #expect(exposure <= 2.0, "\(line)")
    }

    @Test func theUnitRunsAsAWatchedNotifyServiceThatReloadsOnHangup() throws {
        let text = try String(contentsOf: Self.unitFile, encoding: .utf8)
        for directive in ["Type=notify", "WatchdogSec=30s", "Restart=on-failure", "ExecReload=/bin/kill -HUP $MAINPID",
                          "User=hotfolder", "Group=hotfolder", "StateDirectory=hotfolder-agent", "ConfigurationDirectory=hotfolder-agent",
                          "ProtectSystem=strict", "CapabilityBoundingSet=\n", "SystemCallFilter=@system-service"] {
            #expect(text.contains(directive), "missing \(directive)")
        }
        // The stop timeout leaves the agent's drain (limits.shutdown_grace, 75 s by default) time to finish.
        let timeout = try #require(text.firstMatch(of: #/TimeoutStopSec=([0-9]+)s/#).flatMap { Int($0.1) })
        #expect(timeout > 75)
    }
}
