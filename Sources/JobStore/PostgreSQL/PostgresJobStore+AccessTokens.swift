import Foundation
import PostgresNIO

/// Tokens are looked up on every request without a cache: a token revoked on one agent must stop working
/// on every other at once, and a lookup by a unique index is one round trip.
extension PostgresJobStore: AccessTokenStore {
    public func createToken(_ token: AccessToken) async throws {
        let scopes = token.scopes.map(\.rawValue).sorted().joined(separator: ",")
        let created = try await client.withConnection { connection in
            try await connection.query("""
                INSERT INTO access_token (name, sha256, scopes, created_at) VALUES (\(token.name), \(token.sha256), \(scopes), \(token.createdAt))
                ON CONFLICT (name) DO NOTHING RETURNING name
                """, logger: logger).collect()
        }
        guard !created.isEmpty else { throw AccessTokenError.nameTaken(token.name) }
    }

    public func token(withHash sha256: String) async throws -> AccessToken? {
        try await tokens("SELECT * FROM access_token WHERE sha256 = \(sha256)").first
    }

    public func tokens() async throws -> [AccessToken] {
        try await tokens("SELECT * FROM access_token ORDER BY name")
    }

    public func revokeToken(named name: String) async throws {
        let deleted = try await client.withConnection { connection in
            try await connection.query("DELETE FROM access_token WHERE name = \(name) RETURNING name", logger: logger).collect()
        }
        guard !deleted.isEmpty else { throw AccessTokenError.notFound(name) }
    }

    public func markUsed(_ name: String, at date: Date) async throws {
        try await client.withConnection { connection in
            try await connection.query("UPDATE access_token SET last_used_at = \(date) WHERE name = \(name)", logger: logger)
        }
    }

    private func tokens(_ query: PostgresQuery) async throws -> [AccessToken] {
        try await client.withConnection { connection in
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
