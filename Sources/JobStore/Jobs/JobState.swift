/// Where a job is in its life. Raw values are the contract used in the API, events and the CLI.
///
/// The legal moves live here, in one table, so that no caller can skip a stage or revive a finished job by
/// accident; the store refuses anything `canMove(to:)` rejects.
public enum JobState: String, Sendable, Hashable, Codable, CaseIterable {
    case awaitingFile = "awaiting_file"
    case received
    case preflighting
    case preflightFailed = "preflight_failed"
    case preflightPassed = "preflight_passed"
    case proofing
    case proofGenerated = "proof_generated"
    case awaitingApproval = "awaiting_approval"
    case approved
    case rejected
    case producing
    case printReady = "print_ready"
    case failed
    case cancelled

    /// A terminal job never changes again, except by an operator's explicit retry or, after preflight_failed
    /// and rejected, a new file (a new revision).
    public var isTerminal: Bool {
        switch self {
        case .printReady, .preflightFailed, .rejected, .failed, .cancelled: true
        default: false
        }
    }

    /// States the agent works on by itself; the others wait for a file, a person, or nothing.
    public var isRunnable: Bool {
        switch self {
        case .received, .preflighting, .preflightPassed, .proofing, .proofGenerated, .approved, .producing: true
        default: false
        }
    }

    /// The states this one may move to.
    public var successors: Set<JobState> {
        switch self {
        case .awaitingFile: [.received, .cancelled, .failed]
        case .received: [.preflighting, .failed, .cancelled]
        case .preflighting: [.preflightPassed, .preflightFailed, .failed, .cancelled]
        case .preflightPassed: [.proofing, .failed, .cancelled]
        case .proofing: [.proofGenerated, .failed, .cancelled]
        case .proofGenerated: [.awaitingApproval, .producing, .failed, .cancelled]
        case .awaitingApproval: [.approved, .rejected, .cancelled]
        case .approved: [.producing, .failed, .cancelled]
        case .producing: [.printReady, .failed, .cancelled]
        // An operator's retry starts a failed job over; a new file starts a rejected one over as its next
        // revision (the store takes rejected -> received only with one). Nothing else leaves a terminal state.
        case .failed, .preflightFailed, .rejected: [.received]
        case .printReady, .cancelled: []
        }
    }

    public func canMove(to next: JobState) -> Bool { successors.contains(next) }
}
