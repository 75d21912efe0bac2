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
        FileManager.default.createFile(atPath: logFile, contents: nil)
        guard let log = FileHandle(forWritingAtPath: logFile) else {
            throw .couldNotStart(reason: "cannot write \(logFile)", stage: stage)
        }
        defer { try? log.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["work", stage.rawValue, "--memory-limit", String(limits.addressSpaceBytes)] + arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = log
        process.standardError = log
        let termination = AsyncStream<Void>.makeStream()
        process.terminationHandler = { _ in
            termination.continuation.yield()
            termination.continuation.finish()
        }
        do {
            try process.run()
        } catch {
            throw .couldNotStart(reason: "\(error)", stage: stage)
        }
        let pid = process.processIdentifier
        let limit = limits.stageTimeout
        let outcome = await withTaskGroup(of: Outcome.self) { group in
            group.addTask {
                for await _ in termination.stream {}
                return Task.isCancelled ? .cancelled : .exited
            }
            group.addTask {
                do { try await Task.sleep(for: limit) } catch { return .cancelled }
                return .timedOut
            }
            let first = await group.next() ?? .cancelled
            group.cancelAll()
            return first
        }
        if outcome != .exited {
            // Timed out, or the agent is shutting down: the worker must not outlive its stage.
            kill(pid, SIGKILL)
            let exited = UncheckedProcess(process: process)
            _ = try? await Blocking.run { while exited.process.isRunning { usleep(10_000) } }
        }
        let timedOut = outcome == .timedOut
        if timedOut { throw .timedOut(seconds: limit.seconds, stage: stage) }
        if outcome == .cancelled { throw .interrupted(stage: stage) }
        if process.terminationReason == .uncaughtSignal {
            throw .crashed(signal: process.terminationStatus, stage: stage, memoryLimitBytes: limits.addressSpaceBytes)
        }
        guard process.terminationStatus == 0 else {
            throw .failed(exitCode: process.terminationStatus, message: Self.lastLine(of: logFile), stage: stage)
        }
    }

    private enum Outcome: Sendable { case exited, timedOut, cancelled }

    /// Process is not Sendable; after the kill only `isRunning` is read, from one thread.
    private struct UncheckedProcess: @unchecked Sendable { let process: Process }

    private static func lastLine(of path: String) -> String {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        guard let last = lines.last(where: { !$0.isEmpty }) else { return "no message" }
        return last.hasPrefix("Error: ") ? String(last.dropFirst(7)) : last
    }
}
