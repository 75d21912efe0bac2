/// The pipeline stages that run in a worker process. Raw values are the `hotfolder-agent work` subcommands.
enum WorkerStage: String, Sendable, CaseIterable {
    case preflight
    case proof
    case printReady = "print-ready"
    /// A multi-part job's part files made one (its print-ready PDF, its proof sheet).
    case combine

    /// How the stage is named in an operator's message: "during preflight".
    var displayName: String {
        switch self {
        case .preflight: "preflight"
        case .proof: "proof rendering"
        case .printReady: "print-ready production"
        case .combine: "combining the parts"
        }
    }
}
