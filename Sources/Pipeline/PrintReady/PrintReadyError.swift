/// Why a print-ready file could not be made, for the job's reason.
public enum PrintReadyError: Error, Sendable, CustomStringConvertible {
    case qpdf(stage: String, message: String)
    case unsupported(String)

    public var description: String {
        switch self {
        case .qpdf(let stage, let message): "the PDF cannot be \(stage == "write" ? "written" : stage): \(message)"
        case .unsupported(let what): what
        }
    }
}
