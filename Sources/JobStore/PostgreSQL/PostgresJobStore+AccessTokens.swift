import Foundation
import PostgresNIO

/// Every API request looks its token up. An answer is kept for at most a second, and only while the store
/// hears every agent's changes: creating or revoking a token notifies every agent at commit, which drops
/// what it kept, so a token revoked on one agent stops working on all of them at once.
extension PostgresJobStore: AccessTokenStore {
    public func createToken(_ token: AccessToken) async throws {
        let scopes = token.scopes.map(\.rawValue).sorted().joined(separator: ",")
        let created = try await inTransaction { [self] connection in
            let rows = try await connection.query("""
                INSERT INTO access_token (name, sha256, scopes, created_at) VALUES (\(token.name), \(token.sha256), \(scopes), \(token.createdAt))
                ON CONFLICT (name) DO NOTHING RETURNING name
                """, logger: logger).collect()
            try await Self.notifyTokensChanged(connection, logger: logger)
            return rows
        }
        tokenCache.clear()
        guard !created.isEmpty else { throw AccessTokenError.nameTaken(token.name) }
    }

    public func token(withHash sha256: String) async throws -> AccessToken? {
        if let kept = tokenCache.lookup(sha256) { return kept }
        let token = try await tokens("SELECT * FROM access_token WHERE sha256 = \(sha256)").first
        tokenCache.store(token, for: sha256)
        return token
    }

    public func tokens() async throws -> [AccessToken] {
        try await tokens("SELECT * FROM access_token ORDER BY name")
    }

    public func revokeToken(named name: String) async throws {
        let deleted = try await inTransaction { [self] connection in
            let rows = try await connection.query("DELETE FROM access_token WHERE name = \(name) RETURNING name", logger: logger).collect()
            try await Self.notifyTokensChanged(connection, logger: logger)
            return rows
        }
        tokenCache.clear()
        guard !deleted.isEmpty else { throw AccessTokenError.notFound(name) }
    }

    public func markUsed(_ name: String, at date: Date) async throws {
        try await withConnection { [self] connection in
            try await connection.query("UPDATE access_token SET last_used_at = \(date) WHERE name = \(name)", logger: logger)
        }
    }

    /// Tells every agent, at commit, to drop the tokens it keeps.
    static func notifyTokensChanged(_ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("SELECT pg_notify(\(changeChannel), \(tokensChanged))", logger: logger)
    }

    private func tokens(_ query: PostgresQuery) async throws -> [AccessToken] {
        try await withConnection { [self] connection in
            var tokens: [AccessToken] = []
            for try await (name, sha256, scopes, createdAt, lastUsedAt) in try await connection.query(query, logger: logger)
                .decode((String, String, String, Date, Date?).self) {
                tokens.append(AccessToken(name: name, sha256: sha256, scopes: Set(scopes.split(separator: ",").compactMap { Scope(rawValue: String($0)) }),
                                          createdAt: createdAt, lastUsedAt: lastUsedAt))
            }
            return tokens
        }
    }
}
