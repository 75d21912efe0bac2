/// Why an artwork file could not be inspected, worded for the operator who has to call the customer.
public enum ArtworkError: Error, Sendable, Equatable, CustomStringConvertible {
    case missing(path: String)
    case encrypted(path: String)
    case unreadable(path: String, reason: String)
    case unsupportedType(path: String)

    public var description: String {
        switch self {
        case .missing(let path): "\(fileName(path)) is missing"
        case .encrypted(let path): "\(fileName(path)) is password-protected; ask the customer for an unprotected file"
        case .unreadable(let path, let reason): "\(fileName(path)) cannot be read as a PDF (\(reason)); it is probably damaged or incomplete"
        case .unsupportedType(let path): "\(fileName(path)) is not a PDF, JPEG, PNG or TIFF file"
        }
    }

    private func fileName(_ path: String) -> String { path.split(separator: "/").last.map(String.init) ?? path }
}
