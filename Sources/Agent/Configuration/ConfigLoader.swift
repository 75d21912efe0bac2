import Foundation
import Pipeline
import Yams

/// Reads a YAML config into an `AgentConfiguration`, collecting every problem with its line and column
/// instead of stopping at the first, so an admin fixes the file in one pass.
struct ConfigLoader {
    /// Whether root folders must exist. `check-config` and `run` check; unit tests of pure parsing may not.
    var checksFilesystem = true

    /// Loads and validates the config at `path` (as the user wrote it; messages repeat it verbatim).
    func load(path: String) throws(ConfigError) -> AgentConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .unreadable(file: path, reason: (error as NSError).localizedDescription)
        }
        let absolute = URL(fileURLWithPath: path).standardizedFileURL
        return try parse(text, file: path, baseDirectory: absolute.deletingLastPathComponent().path)
    }

    /// Parses config text; relative paths resolve against `baseDirectory`.
    func parse(_ text: String, file: String, baseDirectory: String) throws(ConfigError) -> AgentConfiguration {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw .invalid(file: file, problems: [Self.problem(from: error)])
        } catch {
            throw .invalid(file: file, problems: [ConfigProblem(line: 1, column: 1, message: "\(error)")])
        }
        var reader = ConfigReader(baseDirectory: baseDirectory, checksFilesystem: checksFilesystem)
        let configuration = reader.read(root ?? Node.mapping(Node.Mapping([])), file: file)
        if !reader.problems.isEmpty {
            throw .invalid(file: file, problems: reader.problems.sorted { ($0.line, $0.column) < ($1.line, $1.column) })
        }
        return configuration
    }

    private static func problem(from error: YamlError) -> ConfigProblem {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _):
            let prefix = context.map { "\($0.text) " } ?? ""
            return ConfigProblem(line: mark.line, column: mark.column, message: "not valid YAML: \(prefix)\(problem)")
        default:
            return ConfigProblem(line: 1, column: 1, message: "not valid YAML: \(error)")
        }
    }
}
