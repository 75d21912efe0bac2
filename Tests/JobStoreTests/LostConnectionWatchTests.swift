import Foundation
@testable import JobStore
import Logging
import PostgresNIO
import Synchronization
import Testing

/// A store operation stuck on a connection the server closed (postgres-nio drops a query written just after
/// the close, and its caller would wait for ever) is given up, so that its job can run again; operations on
/// open connections are left alone whatever they take.
@Suite(.enabled(if: StoreKind.available.contains(.postgres)))
struct LostConnectionWatchTests {
    let logger = Logger(label: "lost-connection-tests")

    private func connect() async throws -> PostgresConnection {
        let server = try #require(ProcessInfo.processInfo.environment["HFA_POSTGRES_URL"], "no PostgreSQL server: run make test")
        return try await PostgresConnection.connect(configuration: try PostgresURL(server).connectionConfiguration(), id: 1, logger: logger)
    }

    /// Waits until `condition` holds; bounded only so that a broken build cannot hang the suite.
    private func waitUntil(_ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while !condition() {
            guard ContinuousClock.now < deadline else { throw CancellationError() }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    @Test func anOperationStuckOnAClosedConnectionIsGivenUpAfterTwoSweeps() async throws {
        let connection = try await connect()
        let watch = LostConnectionWatch()
        let registered = Mutex(false)
        let caller = Task {
            try await watch.run { using in
                using(connection)
                registered.withLock { $0 = true }
                // What the dropped query does: never return, and ignore cancellation.
                await withUnsafeContinuation { (_: UnsafeContinuation<Void, Never>) in }
                return 1
            }
        }
        try await waitUntil { registered.withLock { $0 } }
        #expect(watch.sweep() == 0, "an open connection is left alone")
        try await connection.close()
        #expect(watch.sweep() == 0, "closed for one sweep: a failing query would have returned by the next")
        #expect(watch.sweep() == 1)
        await #expect(throws: PostgresStoreError.connectionLost) { try await caller.value }
        #expect(watch.inFlight == 0)
    }

    @Test func answersAndErrorsPassThroughAndNothingStaysWatched() async throws {
        let connection = try await connect()
        defer { Task { [connection] in try? await connection.close() } }
        let watch = LostConnectionWatch()
        let value = try await watch.run { using in
            using(connection)
            return try await connection.query("SELECT 41 + 1", logger: logger).collect().first?.decode(Int.self)
        }
        #expect(value == 42)
        await #expect(throws: PSQLError.self) {
            try await watch.run { using in
                using(connection)
                return try await connection.query("SELECT * FROM no_such_table", logger: logger).collect().count
            }
        }
        #expect(watch.inFlight == 0)
        #expect(watch.sweep() == 0)
    }
}
