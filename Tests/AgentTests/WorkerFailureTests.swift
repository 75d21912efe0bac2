@testable import Agent
import Foundation
import Testing

@Suite struct WorkerFailureTests {
    @Test func crashReasonNamesSignalAndStage() {
        let failure = WorkerFailure.crashed(signal: SIGSEGV, stage: .preflight, memoryLimitBytes: 2 << 30)
        #expect(failure.description.hasPrefix("processing crashed with signal 11 (segmentation fault) during preflight"))
        #expect(failure.description.contains("2048 MiB memory limit"))
    }

    @Test func timeoutReasonNamesTheLimit() {
        #expect(WorkerFailure.timedOut(seconds: 120, stage: .proof).description
            .hasPrefix("processing took longer than 120 s during proof rendering and was stopped"))
        #expect(WorkerFailure.timedOut(seconds: 0.3, stage: .printReady).description.contains("0.3 s during print-ready production"))
    }

    @Test func failureCarriesTheWorkersMessageNotItsDetail() {
        let result = WorkerResult(code: .badFile, message: "the page is too large", retryable: false,
                                  detail: "ProofError.pageTooLarge at /var/lib/x")
        let failure = WorkerFailure.reported(result, stage: .proof)
        #expect(failure.description == "proof rendering failed: the page is too large")
        #expect(failure.detail == result.detail)
        #expect(failure.verdict == .fail)
    }

    @Test func theMachinesFaultsWaitUnknownOnesRetryBoundedFilesFail() {
        func verdict(_ code: WorkerResult.Code, retryable: Bool = true) -> WorkerFailure.Verdict {
            WorkerFailure.reported(WorkerResult(code: code, message: "m", retryable: retryable, detail: ""), stage: .preflight).verdict
        }
        #expect(verdict(.diskFull) == .waitForMachine)
        #expect(verdict(.machineFault) == .waitForMachine)
        #expect(verdict(.workspaceBusy) == .waitForMachine)
        #expect(verdict(.internalError) == .retryBounded)
        #expect(verdict(.badFile, retryable: false) == .fail)
        #expect(WorkerFailure.crashed(signal: SIGSEGV, stage: .proof, memoryLimitBytes: 1 << 30).verdict == .fail)
        #expect(WorkerFailure.interrupted(stage: .proof).verdict == .resumeLater)
        let start = WorkerFailure.couldNotStart(errno: EAGAIN, detail: "cannot start /usr/bin/x", stage: .proof)
        #expect(start.verdict == .waitForMachine)
        #expect(!start.description.contains("/"), "\(start.description)")
    }
}
