/// Why a worker process did not finish its stage, worded for the operator reading the job's reason.
enum WorkerFailure: Error, Sendable, Equatable, CustomStringConvertible {
    case crashed(signal: Int32, stage: WorkerStage, memoryLimitBytes: UInt64)
    case timedOut(seconds: Double, stage: WorkerStage)
    case failed(exitCode: Int32, message: String, stage: WorkerStage)
    case couldNotStart(reason: String, stage: WorkerStage)
    /// The agent stopped the worker because it is shutting down; the stage runs again at the next start.
    case interrupted(stage: WorkerStage)

    var description: String {
        switch self {
        case .crashed(let signal, let stage, let limit):
            let name = Self.signalNames[signal].map { " (\($0))" } ?? ""
            let hint = signal == SIGABRT || signal == SIGSEGV || signal == SIGKILL || signal == SIGTRAP
                ? "; the file may be damaged or need more than the \(limit >> 20) MiB memory limit" : ""
            return "processing crashed with signal \(signal)\(name) during \(stage.displayName)\(hint)"
        case .timedOut(let seconds, let stage):
            return "processing took longer than \(String(format: "%g", seconds)) s during \(stage.displayName) and was stopped; the file may be too complex or damaged"
        case .failed(_, let message, let stage):
            return "\(stage.displayName) failed: \(message)"
        case .couldNotStart(let reason, let stage):
            return "the worker for \(stage.displayName) could not start: \(reason)"
        case .interrupted(let stage):
            return "\(stage.displayName) was interrupted by the agent stopping; it resumes at the next start"
        }
    }

    private static let signalNames: [Int32: String] = [
        SIGSEGV: "segmentation fault", SIGABRT: "abort", SIGKILL: "killed", SIGBUS: "bus error",
        SIGFPE: "arithmetic error", SIGILL: "illegal instruction", SIGTRAP: "trap", SIGTERM: "terminated",
    ]
}

import Foundation
