import Dispatch

/// Runs blocking work (hashing, fsync, directory scans) on a Dispatch queue so that the cooperative
/// thread pool, which has only as many threads as cores, stays free for the rest of the agent.
enum Blocking {
    private static let queue = DispatchQueue(label: "hotfolder.blocking", attributes: .concurrent)

    static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try work() }) }
        }
    }
}
