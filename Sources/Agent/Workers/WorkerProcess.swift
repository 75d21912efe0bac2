import Foundation
import Logging

/// Runs one stage of one job in a child process of this same binary (`hotfolder-agent work STAGE ...`).
///
/// The child is where Poppler, Cairo and qpdf touch customer files, so a crash, a hang or a memory blow-up
/// costs that job only. The child caps its own address space (RLIMIT_AS) before opening the file; the
/// parent kills it at the wall-clock limit. Stderr goes to a log file in the job's folder, whose last line
/// becomes the failure reason.
struct WorkerProcess: Sendable {
    var executable: String
    var limits: WorkerLimits

    /// This binary's path: the worker is the agent itself.
    static var currentExecutable: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    func run(_ stage: WorkerStage, arguments: [String], logFile: String) async throws(WorkerFailure) {
        let log = open(logFile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard log >= 0 else { throw .couldNotStart(reason: "cannot write \(logFile): \(String(cString: strerror(errno)))", stage: stage) }
        defer { close(log) }
        let child: ChildProcess
        do {
            child = try ChildProcess.spawn(executable, arguments: ["work", stage.rawValue, "--memory-limit", String(limits.addressSpaceBytes)] + arguments,
                                           output: log)
        } catch {
            throw .couldNotStart(reason: error.description, stage: stage)
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
        switch outcome {
        case .timedOut: throw .timedOut(seconds: limit.seconds, stage: stage)
        case .cancelled: throw .interrupted(stage: stage)
        case .exited: break
        }
        switch termination {
        case .signalled(let signal):
            throw .crashed(signal: signal, stage: stage, memoryLimitBytes: limits.addressSpaceBytes)
        case .exited(let code) where code != 0:
            throw .failed(exitCode: code, message: Self.lastLine(of: logFile), stage: stage)
        case .exited:
            return
        }
    }

    private enum Outcome: Sendable {
        case exited(ChildProcess.Termination)
        case timedOut
        case cancelled
    }

    private static func lastLine(of path: String) -> String {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        guard let last = lines.last(where: { !$0.isEmpty }) else { return "no message" }
        return last.hasPrefix("Error: ") ? String(last.dropFirst(7)) : last
    }
}
