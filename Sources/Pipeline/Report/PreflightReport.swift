import Foundation

/// The versioned preflight report written as JSON beside every job.
public struct PreflightReport: Sendable, Hashable, Codable {
    public enum Result: String, Sendable, Hashable, Codable { case pass, fail }

    public static let currentSchemaVersion = 1

    public var schemaVersion: Int
    public var result: Result
    public var fileName: String
    public var product: ProductSpec
    public var inspection: ArtworkInspection?
    public var findings: [Finding]

    public init(fileName: String, product: ProductSpec, inspection: ArtworkInspection?, findings: [Finding]) {
        self.schemaVersion = Self.currentSchemaVersion
        self.fileName = fileName
        self.product = product
        self.inspection = inspection
        self.findings = findings
        self.result = findings.contains { $0.severity == .error } ? .fail : .pass
    }

    public var errorCount: Int { findings.filter { $0.severity == .error }.count }
    public var warningCount: Int { findings.filter { $0.severity == .warning }.count }

    /// Pretty, key-sorted JSON so reports diff well and read well in a text editor.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}
