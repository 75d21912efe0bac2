import Foundation

/// A child process started with posix_spawn and reaped with waitpid, nothing more.
///
/// Foundation's `Process` keeps about 3 KB per run alive for good (measured with heaptrack: the object, its
/// arguments and URL, run-loop plumbing); at three workers a job that was the agent's steady memory growth.
/// Spawning directly also keeps the child's environment and descriptors exactly as given.
struct ChildProcess: Sendable {
    let pid: pid_t

    /// How the child ended.
    enum Termination: Sendable, Equatable {
        case exited(Int32)
        case signalled(Int32)
    }

    /// Starts `executable` with `arguments`, stdin from /dev/null and stdout and stderr into `output` (a
    /// descriptor, duplicated for the child), and each of `inheriting` (child's number: our descriptor).
    /// The child gets this process's environment and no other descriptor: those some libraries open without
    /// O_CLOEXEC (libinotifytools' inotify handle) are closed for it.
    ///
    /// With `ownProcessGroup` the child leads a process group of its own: Ctrl-C in a terminal reaches the
    /// agent, which drains, and not its workers, which would die mid-stage.
    static func spawn(_ executable: String, arguments: [String], output: Int32, inheriting: [Int32: Int32] = [:],
                      ownProcessGroup: Bool = false) throws(ChildProcessError) -> ChildProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, output, 1)
        posix_spawn_file_actions_adddup2(&actions, output, 2)
        for (target, source) in inheriting.sorted(by: { $0.key < $1.key }) {
            posix_spawn_file_actions_adddup2(&actions, source, target)
        }
        let kept = Set([output] + inheriting.keys)
        for descriptor in inheritableDescriptors() where !kept.contains(descriptor) {
            posix_spawn_file_actions_addclose(&actions, descriptor)
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The agent ignores or handles some signals (SIGPIPE, SIGHUP, SIGTERM); the worker starts with defaults.
        var defaults = sigset_t()
        sigfillset(&defaults)
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &unblocked)
        var flags = POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK
        if ownProcessGroup {
            posix_spawnattr_setpgroup(&attributes, 0)
            flags |= POSIX_SPAWN_SETPGROUP
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid = pid_t()
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        guard status == 0 else { throw .couldNotStart(executable: executable, errno: status) }
        return ChildProcess(pid: pid)
    }

    /// Descriptors above stderr that an exec would keep. One opened by another thread in between is still
    /// inherited, and one closed in between makes glibc skip the close: neither harms the worker.
    private static func inheritableDescriptors() -> [Int32] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return [] }
        return names.compactMap(Int32.init).filter { descriptor in
            guard descriptor > 2 else { return false }
            let flags = fcntl(descriptor, F_GETFD)
            return flags >= 0 && flags & FD_CLOEXEC == 0
        }
    }

    /// Waits for the child to end and reaps it, the moment it ends: a thread of its own (64 KiB of stack,
    /// detached) blocks in waitpid. Polling with WNOHANG cost each stage up to 50 ms between the worker's
    /// exit and the next stage (a 500-file burst took 146 s instead of 95 s), and a blocking waitpid on the blocking
    /// queue starved it (Dispatch adds threads for blocked ones only slowly on Linux). Not cancellable on
    /// purpose: a caller that gives up kills the child and still reaps it here.
    func wait() async -> Termination {
        await withCheckedContinuation { continuation in
            let reaper = Unmanaged.passRetained(Reaper(pid: pid, continuation: continuation)).toOpaque()
            let started = SmallThread.start(context: reaper) { context in
                Unmanaged<Reaper>.fromOpaque(context!).takeRetainedValue().reap()
                return nil
            }
            if !started {
                // No thread to be had (EAGAIN under a process limit): reap on the caller's thread instead.
                Unmanaged<Reaper>.fromOpaque(reaper).takeRetainedValue().reap()
            }
        }
    }

    /// What the reaping thread needs, handed over through pthread_create's context pointer.
    private final class Reaper {
        let pid: pid_t
        let continuation: CheckedContinuation<Termination, Never>

        init(pid: pid_t, continuation: CheckedContinuation<Termination, Never>) {
            self.pid = pid
            self.continuation = continuation
        }

        func reap() {
            var status: Int32 = 0
            var result: pid_t
            repeat { result = waitpid(pid, &status, 0) } while result < 0 && errno == EINTR
            guard result == pid else { return continuation.resume(returning: .exited(-1)) }  // already reaped elsewhere
            // The W* macros are not imported into Swift: bits 0-6 are the signal, 8-15 the exit code.
            let signal = status & 0x7f
            continuation.resume(returning: signal == 0 ? .exited((status >> 8) & 0xff) : .signalled(signal))
        }
    }

    func kill(_ signal: Int32 = SIGKILL) { _ = Glibc.kill(pid, signal) }
}

enum ChildProcessError: Error, CustomStringConvertible {
    case couldNotStart(executable: String, errno: Int32)

    var description: String {
        switch self {
        case .couldNotStart(let executable, let code): "cannot start \(executable): \(String(cString: strerror(code)))"
        }
    }

    /// The system's reason, for telling a fault of the machine (EAGAIN, EMFILE) from others.
    var errno: Int32 {
        switch self { case .couldNotStart(_, let code): code }
    }
}
