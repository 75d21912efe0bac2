import Foundation

/// What a token may do. Raw values are the contract used by `token create --scopes` and in 403 messages.
public enum Scope: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case jobsRead = "jobs:read"
    case jobsWrite = "jobs:write"
    case jobsApprove = "jobs:approve"
    case webhooksManage = "webhooks:manage"

    public static func < (lhs: Scope, rhs: Scope) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Parses "jobs:read,jobs:write"; the error names the first unknown scope.
    public static func parseList(_ text: String) throws(AccessTokenError) -> Set<Scope> {
        var scopes = Set<Scope>()
        for part in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !part.isEmpty {
            guard let scope = Scope(rawValue: part) else { throw .unknownScope(part) }
            scopes.insert(scope)
        }
        guard !scopes.isEmpty else { throw .noScopes }
        return scopes
    }
}
