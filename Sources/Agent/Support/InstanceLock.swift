import Foundation

/// One agent per state directory: `run` takes an exclusive lock on `state_dir/agent.pid` for its whole life
/// and writes its pid there, so a second `run` on the same directory stops at once, naming the first,
/// instead of claiming and processing the same jobs twice. The kernel drops the lock when the agent ends,
/// however it ends; a stale pid file never blocks a start.
final class InstanceLock: Sendable {
    static let fileName = "agent.pid"
    private let descriptor: Int32

    enum Failure: Error, CustomStringConvertible {
        case heldByAnother(pid: Int32?, stateDirectory: String)
        case cannotOpen(path: String, errno: Int32)

        var description: String {
            switch self {
            case .heldByAnother(let pid, let directory):
                "another agent\(pid.map { " (pid \($0))" } ?? "") is already running on the state directory \(directory); "
                    + "stop it first, or give this one a state_dir of its own"
            case .cannotOpen(let path, let code):
                "cannot open \(path): \(String(cString: strerror(code)))"
            }
        }
    }

    init(stateDirectory: String) throws(Failure) {
        let path = stateDirectory + "/" + Self.fileName
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .cannotOpen(path: path, errno: errno) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let holder = Self.recordedPid(descriptor)
            close(descriptor)
            throw .heldByAnother(pid: holder, stateDirectory: stateDirectory)
        }
        let text = "\(getpid())\n"
        _ = ftruncate(descriptor, 0)
        _ = pwrite(descriptor, text, text.utf8.count, 0)
        _ = fsync(descriptor)
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    private static func recordedPid(_ descriptor: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = pread(descriptor, &buffer, buffer.count, 0)
        guard count > 0 else { return nil }
        return Int32(String(decoding: buffer[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
