import Foundation
import Hummingbird
import OpenAPIRuntime

/// Turns whatever a handler, the generated server or the router threw into the one error shape.
enum ErrorTranslation {
    static func apiError(for error: any Error) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as ServerError:
            // The generated server wraps both our handler errors and its own decoding failures.
            if let underlying = error.underlyingError as? APIError { return underlying }
            if let underlying = error.underlyingError as? JobStoreError { return apiError(for: underlying) }
            if let underlying = error.underlyingError as? DecodingError { return apiError(for: underlying) }
            // The runtime's own errors describe themselves well ("Unexpected content type, expected: ...").
            let detail = String(describing: error.underlyingError)
            if detail.localizedCaseInsensitiveContains("content type") || detail.localizedCaseInsensitiveContains("content-type") {
                return APIError(.unsupportedMediaType, detail)
            }
            return APIError(.badRequest, detail)
        case let error as JobStoreError:
            switch error {
            case .notFound(let id): return .noJob(id.rawValue)
            case .illegalTransition: return APIError(.conflict, error.description)
            case .duplicate: return APIError(.conflict, error.description)
            }
        case let error as DecodingError:
            switch error {
            case .dataCorrupted(let context) where context.codingPath.isEmpty:
                return APIError(.badRequest, "the body is not valid JSON")
            case .dataCorrupted(let context), .keyNotFound(_, let context), .typeMismatch(_, let context), .valueNotFound(_, let context):
                let field = context.codingPath.map(\.stringValue).joined(separator: ".")
                return APIError(.validationError, field.isEmpty ? context.debugDescription : "\(field): \(context.debugDescription)",
                                field: field.isEmpty ? nil : field)
            @unknown default:
                return APIError(.badRequest, "the body cannot be read")
            }
        case let error as HTTPError:
            switch error.status {
            case .notFound: return APIError(.notFound, "there is no such endpoint; see /openapi.yaml")
            case .methodNotAllowed: return APIError(.methodNotAllowed, "this endpoint does not take that method; see /openapi.yaml")
            case .contentTooLarge: return APIError(.payloadTooLarge, "the request body is too large")
            case .unsupportedMediaType: return APIError(.unsupportedMediaType, error.body ?? "unsupported content type")
            case .badRequest: return APIError(.badRequest, error.body ?? "the request is malformed")
            default:
                return error.status.code < 500 ? APIError(.badRequest, error.body ?? error.status.reasonPhrase)
                                                : APIError(.internalError, "the request failed inside the agent; its log has the details")
            }
        default:
            return APIError(.internalError, "the request failed inside the agent; its log has the details")
        }
    }
}
