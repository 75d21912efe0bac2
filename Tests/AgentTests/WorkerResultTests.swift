@testable import Agent
import Foundation
import Pipeline
import TestFixtures
import Testing

/// How a worker judges what stopped it: the machine's faults, bad files and the rest, in words without
/// paths, library names or Foundation's error texts.
@Suite struct WorkerResultTests {
    @Test func aFullDiskIsTheMachinesFaultWhateverRaisedIt() {
        let ours = WorkerResult.judging(FileOperationError.failed("write", path: "/var/lib/hfa/jobs/x/report.json", errno: ENOSPC), workspace: "/")
        #expect(ours.code == .diskFull && ours.retryable)
        let foundation = WorkerResult.judging(CocoaError(.fileWriteOutOfSpace, userInfo: [NSFilePathErrorKey: "/tmp/x"]), workspace: "/")
        #expect(foundation.code == .diskFull)
        let quota = WorkerResult.judging(POSIXError(.EDQUOT), workspace: "/")
        #expect(quota.code == .diskFull)
        for code in [EACCES, EIO, EMFILE, ENOMEM, EROFS] {
            let result = WorkerResult.judging(FileOperationError.failed("open", path: "/x/y", errno: code), workspace: "/")
            #expect(result.code == .machineFault && result.retryable, "errno \(code)")
        }
    }

    @Test func aDamagedFileFailsWithItsNameOnly() {
        let result = WorkerResult.judging(ArtworkError.unreadable(path: "/srv/hot/.work/job_1/card.pdf", reason: "xref not found"),
                                          workspace: "/")
        #expect(result.code == .badFile && !result.retryable)
        #expect(result.message == "card.pdf cannot be read as a PDF (xref not found); it is probably damaged or incomplete")
        let write = WorkerResult.judging(PrintReadyError.qpdf(stage: "read", message: "/tmp/a b/in.pdf (offset 12): bad token"),
                                         workspace: "/", paths: ["/tmp/a b/in.pdf"])
        #expect(write.message == "the PDF cannot be read: in.pdf (offset 12): bad token")
        #expect(write.code == .badFile)
        #expect(!write.message.contains("/") && !write.message.contains("qpdf"), "\(write.message)")
    }

    @Test func anythingElseIsAnInternalErrorInPlainWords() {
        let result = WorkerResult.judging(CocoaError(.fileReadCorruptFile, userInfo: [NSFilePathErrorKey: "/state/jobs/j/report.json"]),
                                          workspace: "/")
        #expect(result.code == .internalError && result.retryable)
        #expect(result.message == "an internal error stopped the work on this file")
        #expect(result.detail.contains("report.json"), "the raw cause is kept for the log")
    }

    @Test func anEarlierWorkerStillHoldingTheJobIsWaitedFor() throws {
        let directory = try makeTemporaryDirectory("lock")
        defer { try? FileManager.default.removeItem(at: directory) }
        let held = try WorkspaceLock.acquire(directory.path, waitingUpTo: .zero)
        #expect(WorkspaceLock.isHeld(directory.path))
        #expect(throws: WorkspaceLock.Failure.self) { try WorkspaceLock.acquire(directory.path, waitingUpTo: .milliseconds(50)) }
        let busy = WorkerResult.judging(WorkspaceLock.Failure.busy(seconds: 0.05), workspace: directory.path)
        #expect(busy.code == .workspaceBusy && busy.retryable)
        withExtendedLifetime(held) {}
    }

    @Test func resultsTravelThroughAPipe() throws {
        let pipe = try WorkerPipe()
        let sent = WorkerResult(code: .diskFull, message: "the server's disk is full", retryable: true,
                                detail: String(repeating: "x", count: 10_000))
        sent.send(to: pipe.writeEnd)
        pipe.closeWriteEnd()
        let received = try #require(WorkerResult.receive(from: pipe.readEnd))
        #expect(received.code == .diskFull && received.message == sent.message)
        #expect(received.detail.count == 4096, "the detail is capped so the write never blocks")
    }

    @Test func scrubbingKeepsOrdinaryWords() {
        #expect(OperatorText.scrubbed("page 1/2 is 85 x 55 mm and/or bigger") == "page 1/2 is 85 x 55 mm and/or bigger")
        #expect(OperatorText.scrubbed("cannot open (/a/b/c.pdf): damaged") == "cannot open (c.pdf): damaged")
    }
}

/// One agent per state directory.
@Suite struct InstanceLockTests {
    @Test func aSecondAgentOnTheSameStateDirectoryIsRefusedNamingTheFirst() throws {
        let directory = try makeTemporaryDirectory("instance")
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = try InstanceLock(stateDirectory: directory.path)
        do {
            _ = try InstanceLock(stateDirectory: directory.path)
            Issue.record("a second lock was granted")
        } catch {
            #expect(error.description.contains("pid \(getpid())"), "\(error.description)")
        }
        withExtendedLifetime(first) {}
    }
}
