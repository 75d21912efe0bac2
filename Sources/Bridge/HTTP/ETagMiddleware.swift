import Crypto
import Foundation
import HTTPTypes
import Hummingbird

/// Cheap polling: every JSON answer to a GET under /api/v1 (job views, lists, reports, event pages) carries
/// a strong `ETag`, the hash of its bytes, and `If-None-Match` with that tag is answered `304 Not Modified`
/// without a body. A tag names exactly the bytes, so it changes whenever anything in the answer does (the
/// hourly renewal of a proof link included) and never hides a change.
struct ETagMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .get, request.uri.path.hasPrefix("/api/v1/") else { return try await next(request, context) }
        let response = try await next(request, context)
        guard response.status == .ok, response.headers[.contentType]?.hasPrefix("application/json") == true else { return response }
        let body = try await response.body.collected()
        let tag = "\"" + SHA256.hash(data: Data(body.readableBytesView)).prefix(16).map { String(format: "%02x", $0) }.joined() + "\""
        var headers = response.headers
        headers[.eTag] = tag
        if let wanted = request.headers[.ifNoneMatch], Self.matches(wanted, tag) {
            headers[.contentLength] = nil
            headers[.contentType] = nil
            return Response(status: .notModified, headers: headers)
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: body))
    }

    /// `If-None-Match: "a", W/"b"` or `*`, compared weakly as RFC 9110 asks for GET.
    static func matches(_ header: String, _ tag: String) -> Bool {
        header.split(separator: ",").contains { candidate in
            let trimmed = candidate.trimmingCharacters(in: .whitespaces)
            return trimmed == "*" || trimmed == tag || trimmed == "W/" + tag
        }
    }
}
