import Crypto
import Foundation
import Hummingbird

/// `bridge.metrics_token`: when set, GET /metrics needs it as `Authorization: Bearer <token>` (Prometheus'
/// `authorization` setting), since stage counts and free space say more about a shop than it may want to
/// show. Compared in constant time.
struct MetricsTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: String?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token, request.uri.path == "/metrics" else { return try await next(request, context) }
        let given = request.headers[.authorization].flatMap { header -> String? in
            let parts = header.split(separator: " ", maxSplits: 1)
            return parts.count == 2 && parts[0].lowercased() == "bearer" ? String(parts[1]) : nil
        }
        guard let given, Self.equal(given, token) else {
            throw APIError(.unauthenticated, "/metrics needs the bridge.metrics_token as 'Authorization: Bearer ...'")
        }
        return try await next(request, context)
    }

    static func equal(_ a: String, _ b: String) -> Bool {
        let left = Data(SHA256.hash(data: Data(a.utf8)))
        let right = Data(SHA256.hash(data: Data(b.utf8)))
        return zip(left, right).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
