import Bridge
import Foundation
import JobStore
import Logging

/// Runs one stage of one job in a child process of this same binary (`hotfolder-agent work STAGE ...`).
///
/// The child is where Poppler, Cairo and qpdf touch customer files, so a crash, a hang or a memory blow-up
/// costs that job only. The child caps its own address space (RLIMIT_AS) before opening the file; the
/// parent kills it at the wall-clock limit. It lives in a process group of its own, dies with the agent
/// (`WorkerLifeline`), holds the job's workspace lock (`WorkspaceLock`) and, when it fails, leaves a
/// `WorkerResult` beside its log; its stderr is kept in the log file for people, never parsed.
struct WorkerProcess: Sendable {
    var executable: String
    var limits: WorkerLimits

    /// This binary's path: the worker is the agent itself.
    static var currentExecutable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// Runs `stage` for the job whose workspace is `workspace`; its stderr goes to the workspace's stage log.
    func run(_ stage: WorkerStage, arguments: [String], workspace: JobWorkspace) async throws(WorkerFailure) {
        let logFile = workspace.log(stage.rawValue)
        let log = open(logFile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard log >= 0 else { throw .couldNotStart(errno: errno, detail: "cannot write \(logFile)", stage: stage) }
        defer { close(log) }
        let child: ChildProcess
        let lifeline: WorkerLifeline
        let results: WorkerPipe
        do {
            lifeline = try WorkerLifeline()
            results = try WorkerPipe()
            child = try ChildProcess.spawn(executable, arguments: [
                "work", stage.rawValue, "--memory-limit", String(limits.addressSpaceBytes),
                "--workspace", workspace.directory, "--result-fd", String(Self.resultDescriptor),
            ] + arguments, output: log, inheriting: [
                WorkerLifeline.childDescriptor: lifeline.readEnd, Self.resultDescriptor: results.writeEnd,
            ], ownProcessGroup: true)
            lifeline.childStarted()
            results.closeWriteEnd()
        } catch {
            throw .couldNotStart(errno: error.errno, detail: error.description, stage: stage)
        }
        let limit = limits.stageTimeout
        let (outcome, termination) = await withTaskGroup(of: Outcome.self) { group in
            group.addTask { .exited(await child.wait()) }
            group.addTask {
                do { try await Task.sleep(for: limit) } catch { return .cancelled }
                return .timedOut
            }
            let first = await group.next() ?? .cancelled
            if case .exited(let termination) = first {
                group.cancelAll()
                return (first, termination)
            }
            // Timed out, or the agent is shutting down: the worker must not outlive its stage.
            child.kill()
            var termination = ChildProcess.Termination.signalled(SIGKILL)
            while let next = await group.next() {
                if case .exited(let ended) = next { termination = ended }
            }
            return (first, termination)
        }
        // Held until the child is reaped: closing it earlier would read as "the agent is gone".
        withExtendedLifetime(lifeline) {}
        switch outcome {
        case .timedOut: throw .timedOut(seconds: limit.seconds, stage: stage)
        case .cancelled: throw .interrupted(stage: stage)
        case .exited: break
        }
        switch termination {
        case .signalled(let signal):
            throw .crashed(signal: signal, stage: stage, memoryLimitBytes: limits.addressSpaceBytes)
        case .exited(0):
            return
        case .exited(let code):
            // No result: the worker died before it could judge (killed, or a usage error of ours).
            let result = WorkerResult.receive(from: results.readEnd) ?? WorkerResult(
                code: .internalError, message: "the worker ended without a result",
                retryable: true, detail: "exit status \(code); see \(logFile)")
            throw .reported(result, stage: stage)
        }
    }

    /// Where the worker finds the write end of its result pipe.
    static let resultDescriptor: Int32 = 4

    private enum Outcome: Sendable {
        case exited(ChildProcess.Termination)
        case timedOut
        case cancelled
    }
}
