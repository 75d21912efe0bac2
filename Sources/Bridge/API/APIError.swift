import Foundation
import HTTPTypes

/// Every error the bridge answers with. `code` is the contract in the error body; the message is written for
/// the integrator reading a log, and names the field when one is at fault.
struct APIError: Error, Sendable, Equatable {
    enum Code: String, Sendable {
        case badRequest = "bad_request"
        case unauthenticated
        case forbidden
        case notFound = "not_found"
        case methodNotAllowed = "method_not_allowed"
        case conflict
        case payloadTooLarge = "payload_too_large"
        case unsupportedMediaType = "unsupported_media_type"
        case validationError = "validation_error"
        case rateLimited = "rate_limited"
        case internalError = "internal_error"
        case serviceUnavailable = "service_unavailable"

        var status: HTTPResponse.Status {
            switch self {
            case .badRequest: .badRequest
            case .unauthenticated: .unauthorized
            case .forbidden: .forbidden
            case .notFound: .notFound
            case .methodNotAllowed: .methodNotAllowed
            case .conflict: .conflict
            case .payloadTooLarge: .contentTooLarge
            case .unsupportedMediaType: .unsupportedMediaType
            case .validationError: .unprocessableContent
            case .rateLimited: .tooManyRequests
            case .internalError: .internalServerError
            case .serviceUnavailable: .serviceUnavailable
            }
        }
    }

    var code: Code
    var message: String
    var field: String?
    /// Seconds the caller should wait (429).
    var retryAfter: Int?

    init(_ code: Code, _ message: String, field: String? = nil, retryAfter: Int? = nil) {
        self.code = code
        self.message = message
        self.field = field
        self.retryAfter = retryAfter
    }

    static func invalid(_ field: String, _ message: String) -> APIError { APIError(.validationError, message, field: field) }
    static func noJob(_ id: String) -> APIError { APIError(.notFound, "there is no job \(id)") }
}
