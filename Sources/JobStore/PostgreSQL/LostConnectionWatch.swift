import Foundation
import PostgresNIO
import Synchronization

/// Frees a caller whose store operation waits on a connection that is gone.
///
/// postgres-nio (1.33.2) writes each query to the connection's channel without a promise: a query written
/// just after the server closed the connection (a database restart, a session the server ended because
/// its agent stalled mid-transaction) is dropped, and its caller waits for ever. The wait cannot be
/// cancelled, so a stage stuck that way could neither finish nor be stopped, and its job would never run
/// again until the agent restarted.
///
/// Each operation runs in a task of its own while its caller waits here. A sweep once a second looks at
/// the connection each operation uses: once it has been closed for two sweeps (a query on a closed
/// connection otherwise fails at once), the caller is answered with `PostgresStoreError.connectionLost`
/// and goes on, as after any store error; the abandoned task is left waiting, holding nothing but itself.
final class LostConnectionWatch: Sendable {
    private struct Operation {
        var connection: PostgresConnection?
        var closedSweeps = 0
        /// Answers the waiting caller with the loss.
        let giveUp: @Sendable () -> Void
        var task: Task<Void, Never>?
    }

    /// Resumes the waiting caller exactly once: with the operation's result, or with the loss.
    private final class Answer<T: Sendable>: Sendable {
        private let continuation: Mutex<CheckedContinuation<T, any Error>?>

        init(_ continuation: CheckedContinuation<T, any Error>) {
            self.continuation = Mutex(continuation)
        }

        func resume(with result: Result<T, any Error>) {
            continuation.withLock { waiting in
                waiting?.resume(with: result)
                waiting = nil
            }
        }
    }

    private let operations = Mutex<[UInt64: Operation]>([:])
    private let nextID = Atomic<UInt64>(0)
    /// Sweeps a closed connection must stay closed before its operation is given up.
    static let closedSweepsBeforeGivingUp = 2
    static let sweepInterval = Duration.seconds(1)

    /// Runs `operation`, which calls `using` with the connection it leased before it queries it.
    func run<T: Sendable>(_ operation: @escaping @Sendable (_ using: @escaping @Sendable (PostgresConnection) -> Void) async throws -> T) async throws -> T {
        let id = nextID.wrappingAdd(1, ordering: .relaxed).newValue
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                let answer = Answer(continuation)
                operations.withLock { $0[id] = Operation(giveUp: { answer.resume(with: .failure(PostgresStoreError.connectionLost)) }) }
                let task = Task {
                    let result: Result<T, any Error>
                    do {
                        result = .success(try await operation { connection in
                            self.operations.withLock { $0[id]?.connection = connection }
                        })
                    } catch {
                        result = .failure(error)
                    }
                    self.operations.withLock { _ = $0.removeValue(forKey: id) }
                    answer.resume(with: result)
                }
                operations.withLock { $0[id]?.task = task }
            }
        } onCancel: {
            operations.withLock { $0[id]?.task }?.cancel()
        }
    }

    /// How many operations are in flight (for tests).
    var inFlight: Int { operations.withLock { $0.count } }

    /// Gives up operations whose connection has been closed for long enough; returns how many.
    @discardableResult
    func sweep() -> Int {
        let lost = operations.withLock { operations -> [@Sendable () -> Void] in
            var lost: [@Sendable () -> Void] = []
            for (id, var operation) in operations {
                guard let connection = operation.connection, connection.isClosed else { continue }
                operation.closedSweeps += 1
                if operation.closedSweeps >= Self.closedSweepsBeforeGivingUp {
                    lost.append(operation.giveUp)
                    operations[id] = nil
                } else {
                    operations[id] = operation
                }
            }
            return lost
        }
        for giveUp in lost { giveUp() }
        return lost.count
    }

    /// Sweeps every `sweepInterval` until cancelled.
    func sweepUntilCancelled(logger: Logger) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: Self.sweepInterval)
            let given = sweep()
            if given > 0 {
                logger.warning("store operations on a connection the server closed never returned; they were given up and are tried again",
                               metadata: ["operations": "\(given)"])
            }
        }
    }
}
