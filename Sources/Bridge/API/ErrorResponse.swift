import Foundation
import HTTPTypes
import Hummingbird

/// Renders an `APIError` as `{"error":{"code","message","field","requestId"}}`.
enum ErrorResponse {
    static func response(for error: APIError, requestId: String) -> Response {
        let body = Components.Schemas.ErrorBody(error: .init(
            code: .init(rawValue: error.code.rawValue) ?? .internalError, message: error.message, field: error.field,
            requestId: requestId))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(body)) ?? Data(#"{"error":{"code":"internal_error","message":"","requestId":""}}"#.utf8)
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if let retryAfter = error.retryAfter { headers[.retryAfter] = String(retryAfter) }
        if error.code == .unauthenticated { headers[.wwwAuthenticate] = "Bearer realm=\"hotfolder-agent\"" }
        return Response(status: error.code.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
