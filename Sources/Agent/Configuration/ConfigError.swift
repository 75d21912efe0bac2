/// One problem in a config file, with the position an editor can jump to.
struct ConfigProblem: Sendable, Equatable, CustomStringConvertible {
    var line: Int
    var column: Int
    var message: String

    var description: String { "\(line):\(column): \(message)" }
}

/// Why a config cannot be used. Printed as one `FILE:LINE:COLUMN: message` line per problem.
enum ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(file: String, reason: String)
    case invalid(file: String, problems: [ConfigProblem])

    var description: String {
        switch self {
        case .unreadable(let file, let reason): "\(file):1:1: cannot read the config: \(reason)"
        case .invalid(let file, let problems): problems.map { "\(file):\($0)" }.joined(separator: "\n")
        }
    }
}
