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

    @Test func failureCarriesTheWorkersMessage() {
        #expect(WorkerFailure.failed(exitCode: 1, message: "the page is too large", stage: .proof).description
            == "proof rendering failed: the page is too large")
    }
}
