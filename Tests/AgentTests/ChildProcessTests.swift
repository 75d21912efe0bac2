@testable import Agent
import Foundation
import TestFixtures
import Testing

/// The spawn the workers rest on: exit codes and signals as they happened, and nothing of the agent's
/// open files in the child.
@Suite struct ChildProcessTests {
    private func run(_ script: String) async throws -> (ChildProcess.Termination, String) {
        let path = try makeTemporaryDirectory("child").appendingPathComponent("out.txt").path
        let output = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        defer { close(output) }
        let child = try ChildProcess.spawn("/bin/sh", arguments: ["-c", script], output: output)
        let termination = await child.wait()
        return (termination, try String(contentsOfFile: path, encoding: .utf8))
    }

    @Test func exitCodesAndSignalsComeBackAsTheyHappened() async throws {
        #expect(try await run("exit 0").0 == .exited(0))
        #expect(try await run("exit 3").0 == .exited(3))
        #expect(try await run("kill -9 $$").0 == .signalled(SIGKILL))
        let (ended, text) = try await run("echo out; echo err >&2; read line; echo \"stdin:$line.\"")
        #expect(ended == .exited(0))
        #expect(text == "out\nerr\nstdin:.\n", "stdout and stderr share the log; stdin is empty")
    }

    @Test func theChildInheritsNoOtherDescriptor() async throws {
        // Opened without O_CLOEXEC, as libinotifytools opens its inotify handle.
        let leaky = open("/dev/null", O_RDONLY)
        defer { close(leaky) }
        let (_, text) = try await run("ls /proc/self/fd")
        let descriptors = text.split(separator: "\n").compactMap { Int32($0) }
        // 0, 1, 2 and the one ls opens to read the folder.
        #expect(!descriptors.contains(leaky), "the child sees \(descriptors)")
        #expect(descriptors.count <= 4, "the child sees \(descriptors)")
    }
}
