import Foundation
import GRDB

extension SQLiteJobStore: AccessTokenStore {
    public func createToken(_ token: AccessToken) async throws {
        try await writer.write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM access_token WHERE name = ?", arguments: [token.name]) == true {
                throw AccessTokenError.nameTaken(token.name)
            }
            try db.execute(sql: "INSERT INTO access_token (name, sha256, scopes, createdAt) VALUES (?, ?, ?, ?)",
                           arguments: [token.name, token.sha256, token.scopes.map(\.rawValue).sorted().joined(separator: ","),
                                       token.createdAt])
        }
    }

    public func token(withHash sha256: String) async throws -> AccessToken? {
        if let cached = tokenCache.lookup(sha256) { return cached }
        let token = try readNow { db in
            try Row.fetchOne(try db.cachedStatement(sql: "SELECT * FROM access_token WHERE sha256 = ?"), arguments: [sha256])
                .map(Self.token(from:))
        }
        tokenCache.store(token, for: sha256)
        return token
    }

    public func tokens() async throws -> [AccessToken] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM access_token ORDER BY name").map(Self.token(from:))
        }
    }

    public func revokeToken(named name: String) async throws {
        try await writer.write { db in
            try db.execute(sql: "DELETE FROM access_token WHERE name = ?", arguments: [name])
            guard db.changesCount == 1 else { throw AccessTokenError.notFound(name) }
        }
        tokenCache.clear()
    }

    public func markUsed(_ name: String, at date: Date) async throws {
        try await writer.write { db in
            try db.execute(sql: "UPDATE access_token SET lastUsedAt = ? WHERE name = ?", arguments: [date, name])
        }
    }

    private static func token(from row: Row) -> AccessToken {
        let scopes: String = row["scopes"]
        return AccessToken(name: row["name"], sha256: row["sha256"],
                           scopes: Set(scopes.split(separator: ",").compactMap { Scope(rawValue: String($0)) }),
                           createdAt: row["createdAt"], lastUsedAt: row["lastUsedAt"])
    }
}
