import Foundation

/// Why a worker process did not finish its stage, worded for the operator reading the job's reason.
enum WorkerFailure: Error, Sendable, Equatable, CustomStringConvertible {
    case crashed(signal: Int32, stage: WorkerStage, memoryLimitBytes: UInt64)
    case timedOut(seconds: Double, stage: WorkerStage)
    /// The worker judged its own failure (`WorkerResult`): a bad file, a fault of the machine, an internal error.
    case reported(WorkerResult, stage: WorkerStage)
    /// The worker could not be started (no processes or descriptors left): a fault of the machine.
    case couldNotStart(errno: Int32, detail: String, stage: WorkerStage)
    /// The agent stopped the worker because it is shutting down; the stage runs again at the next start.
    case interrupted(stage: WorkerStage)

    /// What a job's reason says; never a path, a library's name or a raw system error.
    var description: String {
        switch self {
        case .crashed(let signal, let stage, let limit):
            let name = Self.signalNames[signal].map { " (\($0))" } ?? ""
            let hint = signal == SIGABRT || signal == SIGSEGV || signal == SIGKILL || signal == SIGTRAP
                ? "; the file may be damaged or need more than the \(limit >> 20) MiB memory limit" : ""
            return "processing crashed with signal \(signal)\(name) during \(stage.displayName)\(hint)"
        case .timedOut(let seconds, let stage):
            return "processing took longer than \(String(format: "%g", seconds)) s during \(stage.displayName) and was stopped; the file may be too complex or damaged"
        case .reported(let result, let stage):
            return "\(stage.displayName) failed: \(result.message)"
        case .couldNotStart(_, _, let stage):
            return "the worker for \(stage.displayName) could not start"
        case .interrupted(let stage):
            return "\(stage.displayName) was interrupted by the agent stopping; it resumes at the next start"
        }
    }

    /// The raw cause, for the agent's log only.
    var detail: String? {
        switch self {
        case .reported(let result, _): result.detail
        case .couldNotStart(_, let detail, _): detail
        default: nil
        }
    }

    /// How the job is treated: failed, or kept and tried again.
    enum Verdict: Equatable {
        /// The file's fault: the job fails with `description`.
        case fail
        /// The machine's fault: the job keeps its state and runs again after a backoff, for as long as it lasts.
        case waitForMachine
        /// Unknown: runs again, at most `limits.max_attempts` times in all.
        case retryBounded
        /// The agent is stopping.
        case resumeLater
    }

    var verdict: Verdict {
        switch self {
        case .crashed, .timedOut: .fail
        case .interrupted: .resumeLater
        case .couldNotStart: .waitForMachine
        case .reported(let result, _):
            !result.retryable ? .fail : result.isMachineFault ? .waitForMachine : .retryBounded
        }
    }

    private static let signalNames: [Int32: String] = [
        SIGSEGV: "segmentation fault", SIGABRT: "abort", SIGKILL: "killed", SIGBUS: "bus error",
        SIGFPE: "arithmetic error", SIGILL: "illegal instruction", SIGTRAP: "trap", SIGTERM: "terminated",
    ]
}
