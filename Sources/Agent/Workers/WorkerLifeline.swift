import Foundation

/// Ties a worker's life to its agent's with a pipe: the agent keeps the write end, the worker inherits the
/// read end as descriptor 3 and a thread of its own blocks reading it. When the agent is gone, however it
/// went (SIGKILL, a crash, the OOM killer), the kernel closes the write end, the read returns end-of-file
/// and the worker `_exit`s at once: an orphan never writes on into a job a restarted agent runs again.
///
/// Armed before the worker parses its arguments, so a worker whose agent died while it was still starting
/// exits on its first instruction. PR_SET_PDEATHSIG is not enough on its own: it fires when the *thread*
/// that spawned the worker ends, and the agent's cooperative threads come and go.
final class WorkerLifeline {
    /// Where the worker finds its end of the pipe.
    static let childDescriptor: Int32 = 3
    /// What a worker exits with when its agent is gone (EX_TEMPFAIL; nobody reads it, the log may).
    static let orphanExitCode: Int32 = 75

    /// The agent holds the write end until the worker is reaped; the worker inherits the read end.
    private let pipe: WorkerPipe

    init() throws(ChildProcessError) { pipe = try WorkerPipe() }

    /// The end the worker inherits, mapped to `childDescriptor` by the spawn.
    var readEnd: Int32 { pipe.readEnd }

    /// The worker has its end; this process no longer needs it.
    func childStarted() { pipe.closeReadEnd() }

    // Closing the write end (deinit of `pipe`) is what tells a worker still running that its agent is gone.

    /// In the worker: exits the process the moment descriptor 3 reads end-of-file. Does nothing when
    /// descriptor 3 is not a pipe (a worker started by hand, without an agent).
    static func watchFromWorker() {
        var info = stat()
        guard fstat(childDescriptor, &info) == 0, info.st_mode & S_IFMT == S_IFIFO else { return }
        let started = SmallThread.start(context: nil) { _ in
            var byte: UInt8 = 0
            while true {
                let count = read(WorkerLifeline.childDescriptor, &byte, 1)
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { _exit(WorkerLifeline.orphanExitCode) }
            }
        }
        // Without the watching thread the worker must not run at all: it could outlive its agent.
        if !started { _exit(WorkerLifeline.orphanExitCode) }
    }
}
