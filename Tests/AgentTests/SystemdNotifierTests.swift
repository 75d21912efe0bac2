@testable import Agent
import Foundation
import JobStore
import TestFixtures
import Testing

/// sd_notify over NOTIFY_SOCKET, received on a socket of the test's own.
@Suite struct SystemdNotifierTests {
    @Test(arguments: [true, false])
    func messagesArriveOnAbstractAndPathSockets(abstract: Bool) async throws {
        let socket = try NotifySocket(abstract: abstract, directory: try makeTemporaryDirectory("notify"))
        defer { socket.close() }
        let notifier = SystemdNotifier(socketPath: socket.address)
        #expect(notifier.notify("READY=1", "STATUS=1 hot folder"))
        #expect(notifier.notify("WATCHDOG=1"))
        let received = try await eventually { socket.received.count >= 2 ? socket.received : nil }
        #expect(received == ["READY=1\nSTATUS=1 hot folder", "WATCHDOG=1"])
    }

    @Test func aMissingSocketIsNotAnError() {
        #expect(SystemdNotifier(socketPath: "@hfa-nobody-listens-\(getpid())").notify("READY=1") == false)
    }

    @Test func theWatchdogIsFedAtHalfItsInterval() async throws {
        let socket = try NotifySocket()
        defer { socket.close() }
        let watchdog = SystemdWatchdog(notifier: SystemdNotifier(socketPath: socket.address), interval: .seconds(3600))
        watchdog.feed()
        watchdog.feed()
        let received = try await eventually { socket.received.isEmpty ? nil : socket.received }
        // The second feed came well within half an hour: one ping only.
        #expect(received == ["WATCHDOG=1"])
    }
}

/// Polls `condition` until it yields a value (10 s at most).
func eventually<T>(_ condition: () throws -> T?) async throws -> T {
    for _ in 0..<200 {
        if let value = try condition() { return value }
        try await Task.sleep(for: .milliseconds(50))
    }
    throw CancellationError()
}
