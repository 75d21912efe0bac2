@testable import Agent
import Foundation
import Pipeline
import Testing
import Yams

/// docs/operations.md documents every config key the agent accepts, nothing it does not, and every key
/// hotfolders.example uses.
@Suite struct OperationsDocTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The key column of the reference table.
    static func documentedKeys() throws -> Set<String> {
        let text = try String(contentsOf: root.appendingPathComponent("docs/operations.md"), encoding: .utf8)
        let after = try #require(text.components(separatedBy: "## Config reference").dropFirst().first)
        let section = after.components(separatedBy: "\n## ").first ?? after
        return Set(section.split(separator: "\n").compactMap { line in line.firstMatch(of: #/^\| `([^`]+)` \|/#).map { String($0.1) } })
    }

    /// Every key path used in hotfolders.example; a folder's `thresholds` and `severities` hold free names.
    static func exampleKeys() throws -> Set<String> {
        let text = try String(contentsOf: root.appendingPathComponent("hotfolders.example"), encoding: .utf8)
        var keys = Set<String>()
        func walk(_ node: Node, _ prefix: String) {
            switch node {
            case .mapping(let pairs):
                for (key, value) in pairs {
                    guard let name = key.scalar?.string else { continue }
                    // A product's id is the user's to choose: the table writes it <id>.
                    let path = prefix.isEmpty ? name : prefix + "." + (prefix == "products" ? "<id>" : name)
                    keys.insert(path)
                    if !path.hasSuffix(".thresholds") && !path.hasSuffix(".severities") { walk(value, path) }
                }
            case .sequence(let items):
                for item in items { walk(item, prefix + "[]") }
            default:
                break
            }
        }
        if let node = try Yams.compose(yaml: text) { walk(node, "") }
        // Sections themselves are not keys of the table; their children are.
        return keys.filter { !["limits", "bridge", "callbacks", "products", "products.<id>", "hotfolders", "hotfolders[].preflight",
                               "hotfolders[].paths", "hotfolders[].color"].contains($0) }
    }

    @Test func everyAcceptedKeyIsDocumentedAndNothingElse() throws {
        let documented = try Self.documentedKeys()
        let accepted = Set(ConfigReader.allKeyPaths)
        #expect(accepted.subtracting(documented).sorted() == [], "accepted by the agent but missing from docs/operations.md")
        #expect(documented.subtracting(accepted).sorted() == [], "documented in docs/operations.md but not accepted by the agent")
    }

    @Test func everyKeyOfTheExampleIsDocumented() throws {
        let used = try Self.exampleKeys()
        #expect(used.count > 30)
        #expect(used.subtracting(try Self.documentedKeys()).sorted() == [])
    }

    @Test func everyThresholdIsNamedInTheReference() throws {
        let text = try String(contentsOf: Self.root.appendingPathComponent("docs/operations.md"), encoding: .utf8)
        for key in PreflightThresholds.keys {
            #expect(text.contains("`\(key)`"), "\(key)")
        }
    }
}
