import Foundation

/// Where API tokens live: beside the jobs, so that a shared store later shares them too.
public protocol AccessTokenStore: Sendable {
    /// Stores a new token; fails with `AccessTokenError.nameTaken` when the name is in use.
    func createToken(_ token: AccessToken) async throws
    func token(withHash sha256: String) async throws -> AccessToken?
    func tokens() async throws -> [AccessToken]
    /// Deletes the token; fails with `AccessTokenError.notFound` when there is none of that name.
    func revokeToken(named name: String) async throws
    /// Notes a token's use, at most about once a minute per token (callers throttle).
    func markUsed(_ name: String, at date: Date) async throws
}
