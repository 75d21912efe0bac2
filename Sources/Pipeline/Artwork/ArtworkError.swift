/// Why an artwork file could not be inspected, worded for the operator who has to call the customer.
public enum ArtworkError: Error, Sendable, Equatable, CustomStringConvertible {
    case missing(path: String)
    case encrypted(path: String)
    case unreadable(path: String, reason: String)
    case unsupportedType(path: String)

    public var description: String { message.english }

    /// The reason as a catalogue sentence, for the report's finding.
    public var message: Message {
        switch self {
        case .missing(let path): Message("file.missing", ["file": .text(fileName(path))])
        case .encrypted(let path): Message("file.encrypted", ["file": .text(fileName(path))])
        case .unreadable(let path, let reason): Message("file.unreadable", ["file": .text(fileName(path)), "reason": .text(reason)])
        case .unsupportedType(let path): Message("file.type_unsupported", ["file": .text(fileName(path))])
        }
    }

    private func fileName(_ path: String) -> String { path.split(separator: "/").last.map(String.init) ?? path }
}
