import Foundation
import HTTPTypes
import Hummingbird
import JobStore
import Synchronization

/// Guards /api/v1: a known bearer token (401 otherwise), within its rate limit (429), with the rate-limit
/// headers on every answer. Scopes are checked per operation by `ScopeMiddleware`. Requests without a valid
/// token count against their client address (`clientLimiter`), so guessing tokens is slow.
struct AuthenticationMiddleware<Context: RequestContext>: RouterMiddleware {
    let tokens: any AccessTokenStore
    let limiter: RateLimiter
    let clientLimiter: RateLimiter
    /// Bodies of requests other than uploads are small JSON; refuse big ones before reading them.
    let maxJSONBodyBytes: Int
    let lastUse = LastUse()

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.uri.path.hasPrefix("/api/") else { return try await next(request, context) }
        guard let token = try await authenticate(request) else {
            let decision = clientLimiter.admit(RequestScope.clientAddress)
            guard decision.allowed else {
                throw APIError(.rateLimited, "too many requests without a valid token from this address; wait \(decision.reset) s",
                               retryAfter: decision.reset)
            }
            throw APIError(.unauthenticated, "send a valid API token as 'Authorization: Bearer hfa_...'; create one with 'hotfolder-agent token create'")
        }
        let decision = limiter.admit(token.name)
        var response: Response
        if !decision.allowed {
            response = ErrorResponse.response(
                for: APIError(.rateLimited, "more than \(decision.limit) requests this minute for token '\(token.name)'; wait \(decision.reset) s",
                              retryAfter: decision.reset),
                requestId: RequestScope.requestId)
        } else {
            do {
                var request = request
                if request.method == .post, let type = request.headers[.contentType], type.hasPrefix("multipart/form-data") {
                    guard let boundary = MultipartPartLimit<RequestBody>.boundary(of: type) else {
                        throw APIError(.badRequest, "the multipart Content-Type has no usable boundary")
                    }
                    request.body = RequestBody(asyncSequence: MultipartPartLimit(base: request.body, boundary: Array(boundary.utf8),
                                                                                 maxPartBytes: maxJSONBodyBytes))
                } else if !Self.isUpload(request) {
                    if let length = request.headers[.contentLength].flatMap(Int.init), length > maxJSONBodyBytes {
                        throw APIError(.payloadTooLarge, "the request body has \(length) bytes; JSON bodies are limited to \(maxJSONBodyBytes)")
                    }
                    // A chunked body states no length: read it here, up to the limit, before anything decodes it.
                    var buffer = ByteBuffer()
                    for try await chunk in request.body {
                        guard buffer.readableBytes + chunk.readableBytes <= maxJSONBodyBytes else {
                            throw APIError(.payloadTooLarge, "the request body is longer than the \(maxJSONBodyBytes) bytes JSON bodies are limited to")
                        }
                        buffer.writeImmutableBuffer(chunk)
                    }
                    request.body = .init(buffer: buffer)
                }
                let admitted = request
                response = try await RequestScope.$caller.withValue(token) { try await next(admitted, context) }
            } catch {
                response = ErrorTranslation.response(for: error, logger: context.logger)
            }
            if lastUse.isDue(token.name) { try? await tokens.markUsed(token.name, at: Date()) }
        }
        response.headers[HTTPField.Name("X-RateLimit-Limit")!] = String(decision.limit)
        response.headers[HTTPField.Name("X-RateLimit-Remaining")!] = String(decision.remaining)
        response.headers[HTTPField.Name("X-RateLimit-Reset")!] = String(decision.reset)
        return response
    }

    private func authenticate(_ request: Request) async throws -> AccessToken? {
        guard let header = request.headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let secret = parts[1].trimmingCharacters(in: .whitespaces)
        guard secret.hasPrefix("hfa_"), secret.count < 100 else { return nil }
        return try await tokens.token(withHash: AccessToken.hash(of: secret))
    }

    /// Uploads carry files, limited by `max_upload` where they are written.
    static func isUpload(_ request: Request) -> Bool {
        (request.method == .put && request.uri.path.hasSuffix("/file"))
            || (request.method == .post && request.headers[.contentType]?.hasPrefix("multipart/form-data") == true)
    }

    /// Writes "last used" at most once a minute per token, not on every request.
    final class LastUse: Sendable {
        private let marks = Mutex([String: Date]())
        func isDue(_ name: String, now: Date = Date()) -> Bool {
            marks.withLock { marks in
                if let last = marks[name], now.timeIntervalSince(last) < 60 { return false }
                marks[name] = now
                return true
            }
        }
    }
}
