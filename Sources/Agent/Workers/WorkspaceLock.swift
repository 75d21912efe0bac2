import Foundation
import JobStore

/// An exclusive lock on a job's workspace, held by the worker for its whole life (released by the kernel
/// when the process ends, however it ends), so two workers never write into one job: a worker of a
/// restarted agent waits until an earlier worker of the same job is gone, and gives up after `wait`.
struct WorkspaceLock {
    static let fileName = ".lock"
    private let descriptor: Int32

    enum Failure: Error, CustomStringConvertible {
        case busy(seconds: Double)
        case cannotOpen(errno: Int32)

        var description: String {
            switch self {
            case .busy(let seconds): "another worker still held the job's workspace after \(String(format: "%g", seconds)) s"
            case .cannotOpen(let code): "cannot open the workspace lock: \(String(cString: strerror(code)))"
            }
        }
    }

    /// Takes the lock on `directory`, creating the directory and the lock file when needed.
    static func acquire(_ directory: String, waitingUpTo wait: Duration) throws(Failure) -> WorkspaceLock {
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let descriptor = open(directory + "/" + fileName, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .cannotOpen(errno: errno) }
        let deadline = ContinuousClock.now + wait
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else { throw .cannotOpen(errno: errno) }
            guard ContinuousClock.now < deadline else {
                close(descriptor)
                throw .busy(seconds: wait.seconds)
            }
            usleep(20_000)
        }
        return WorkspaceLock(descriptor: descriptor)
    }

    /// Whether some process holds the lock on `directory` now (for tests and diagnostics).
    static func isHeld(_ directory: String) -> Bool {
        let descriptor = open(directory + "/" + fileName, O_RDWR | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        if flock(descriptor, LOCK_EX | LOCK_NB) == 0 { return false }
        return true
    }
}
