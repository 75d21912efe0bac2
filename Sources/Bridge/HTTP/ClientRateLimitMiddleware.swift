import Hummingbird

/// Requests that need no token (the proof page, the contract, the banner) are limited per client address,
/// so a link cannot be hammered and the bridge cannot be scanned at full speed. /healthz, /readyz and
/// /metrics are left alone: monitors poll them, and they cost a lookup. /api requests are limited per
/// token, or per address when the token is missing or wrong (`AuthenticationMiddleware`).
struct ClientRateLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    let limiter: RateLimiter
    static var unlimitedPaths: Set<String> { ["/healthz", "/readyz", "/metrics"] }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard !path.hasPrefix("/api/"), !Self.unlimitedPaths.contains(path) else { return try await next(request, context) }
        let decision = limiter.admit(RequestScope.clientAddress)
        guard decision.allowed else {
            throw APIError(.rateLimited, "too many requests from this address; wait \(decision.reset) s", retryAfter: decision.reset)
        }
        return try await next(request, context)
    }
}
