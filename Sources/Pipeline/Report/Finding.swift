/// One preflight result: which check, how bad, where, and what was measured against what was expected.
/// Field names are a contract for integrators; extend, never rename.
public struct Finding: Sendable, Hashable, Codable {
    public enum Severity: String, Sendable, Hashable, Codable { case error, warning, info }

    public var check: String
    public var severity: Severity
    public var page: Int?
    public var message: String
    public var measured: String?
    public var expected: String?

    public init(check: String, severity: Severity, page: Int? = nil, message: String,
                measured: String? = nil, expected: String? = nil) {
        self.check = check
        self.severity = severity
        self.page = page
        self.message = message
        self.measured = measured
        self.expected = expected
    }
}
