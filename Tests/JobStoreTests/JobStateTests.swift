import JobStore
import Testing

@Suite struct JobStateTests {
    @Test func happyPathIsLegal() {
        let path: [JobState] = [.received, .preflighting, .preflightPassed, .proofing, .proofGenerated, .producing, .printReady]
        for (from, to) in zip(path, path.dropFirst()) { #expect(from.canMove(to: to), "\(from) -> \(to)") }
    }

    @Test func approvalPathIsLegal() {
        #expect(JobState.proofGenerated.canMove(to: .awaitingApproval))
        #expect(JobState.awaitingApproval.canMove(to: .approved))
        #expect(JobState.awaitingApproval.canMove(to: .rejected))
        #expect(JobState.approved.canMove(to: .producing))
        #expect(JobState.awaitingFile.canMove(to: .received))
    }

    @Test func stagesCannotBeSkippedOrRevived() {
        #expect(!JobState.received.canMove(to: .printReady))
        #expect(!JobState.preflighting.canMove(to: .proofing))
        #expect(!JobState.awaitingApproval.canMove(to: .producing))
        #expect(JobState.printReady.successors.isEmpty)
        // A rejected job starts over only as its next revision, with a new file (the store insists on the file).
        #expect(JobState.rejected.successors == [.received])
        #expect(JobState.cancelled.successors.isEmpty)
    }

    @Test func onlyFailedJobsMayBeRetried() {
        #expect(JobState.failed.canMove(to: .received))
        #expect(JobState.preflightFailed.canMove(to: .received))
        #expect(!JobState.printReady.canMove(to: .received))
    }

    @Test func terminalStatesAreTheFiveOfTheContract() {
        #expect(Set(JobState.allCases.filter(\.isTerminal)) == [.printReady, .preflightFailed, .rejected, .failed, .cancelled])
        #expect(JobState.allCases.filter(\.isTerminal).allSatisfy { !$0.isRunnable })
        #expect(!JobState.awaitingApproval.isRunnable && !JobState.awaitingFile.isRunnable)
    }

    @Test func rawValuesAreTheAPIContract() {
        #expect(JobState.allCases.map(\.rawValue) == [
            "awaiting_file", "received", "preflighting", "preflight_failed", "preflight_passed", "proofing",
            "proof_generated", "awaiting_approval", "approved", "rejected", "producing", "print_ready", "failed", "cancelled",
        ])
    }
}
