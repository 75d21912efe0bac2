import Foundation
import HTTPTypes
import OpenAPIRuntime

/// Refuses a JSON body that spells a value as `null`. No field of the API is nullable, and the generated
/// decoding reads `null` as "left out", so `{"events": null}` would pass as "no change" where the contract
/// says the value is an array: the client meant something, and is told what instead.
///
/// JSON bodies reach it read whole and capped already (AuthenticationMiddleware, `maxJSONBytes`); it parses
/// them once more and hands them on as they came.
struct JSONNullRefusal: ServerMiddleware {
    func intercept(_ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
                   next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?))
        async throws -> (HTTPResponse, HTTPBody?) {
        guard let body, request.headerFields[.contentType]?.lowercased().hasPrefix("application/json") == true else {
            return try await next(request, body, metadata)
        }
        let bytes = try await Data(collecting: body, upTo: .max)
        // Broken JSON is the decoder's to report, with its own message.
        if let value = try? JSONSerialization.jsonObject(with: bytes, options: [.fragmentsAllowed]), let field = Self.firstNull(in: value) {
            throw APIError.invalid(field, "\(field) is null; leave it out to keep it as it is, or give a value")
        }
        return try await next(request, HTTPBody(bytes), metadata)
    }

    /// The dotted path of the first `null` (`product.trim`, `fixups[2]`), or nil when there is none.
    static func firstNull(in value: Any, at path: String = "") -> String? {
        switch value {
        case is NSNull: return path.isEmpty ? "body" : path
        case let object as [String: Any]:
            for key in object.keys.sorted() {
                if let found = firstNull(in: object[key]!, at: path.isEmpty ? key : path + "." + key) { return found }
            }
            return nil
        case let array as [Any]:
            for (index, element) in array.enumerated() {
                if let found = firstNull(in: element, at: path + "[\(index)]") { return found }
            }
            return nil
        default: return nil
        }
    }
}
