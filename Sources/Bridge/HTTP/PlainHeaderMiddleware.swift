import Foundation
import HTTPTypes
import OpenAPIRuntime

/// The generated server percent-encodes header values as URI components; Location and Content-Disposition
/// must reach clients as written, so they are decoded on the way out.
struct PlainHeaderMiddleware: ServerMiddleware {
    static let headers: [HTTPField.Name] = [.location, .contentDisposition]

    func intercept(_ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
                   next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?))
        async throws -> (HTTPResponse, HTTPBody?) {
        var (response, body) = try await next(request, body, metadata)
        for name in Self.headers {
            if let value = response.headerFields[name], let plain = value.removingPercentEncoding { response.headerFields[name] = plain }
        }
        return (response, body)
    }
}
