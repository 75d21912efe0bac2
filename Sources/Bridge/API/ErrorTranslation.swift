import Foundation
import GRDB
import Hummingbird
import JobStore
import Logging
import OpenAPIRuntime

/// Turns whatever a handler, the generated server or the router threw into the one error shape.
///
/// Only what the client can fix is a 4xx. A store that is busy, a full disk or a failing device is a 503
/// (try again later), anything else we did not foresee a 500; both say no more than that and the request
/// id, and the cause goes to the log (`response(for:logger:)`), never SQL or paths into the body.
enum ErrorTranslation {
    /// The error answer, with the cause logged when the fault is the agent's.
    static func response(for error: any Error, logger: Logger) -> Response {
        let apiError = apiError(for: error)
        if apiError.code.status.code >= 500 {
            logger.error("request failed", metadata: ["code": "\(apiError.code.rawValue)", "error": "\(logText(of: error))"])
        }
        return ErrorResponse.response(for: apiError, requestId: RequestScope.requestId)
    }

    /// The cause for the log. A ServerError describes the whole request, Authorization header included:
    /// only its operation and underlying error are logged, never a token.
    static func logText(of error: any Error) -> String {
        guard let error = error as? ServerError else { return String(reflecting: error) }
        return "\(error.operationID): \(error.causeDescription): \(String(reflecting: error.underlyingError))"
    }

    static let internalFault = APIError(.internalError, "the request failed inside the agent; its log has the details under this requestId")

    static func apiError(for error: any Error) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as ServerError:
            // The generated server wraps both our handler errors and its own decoding failures.
            if let underlying = error.underlyingError as? APIError { return underlying }
            if let underlying = error.underlyingError as? JobStoreError { return apiError(for: underlying) }
            if let underlying = error.underlyingError as? DecodingError { return apiError(for: underlying) }
            // With no decoded input, the request itself could not be read: the client's fault, and the
            // runtime's own words describe it well ("Unexpected content type, expected: ...").
            // A handler's own failure is judged by what it was, except the runtime's complaints about a body it
            // reads lazily (a malformed multipart stream), which are the client's.
            let fromRuntime = String(reflecting: type(of: error.underlyingError)).hasPrefix("OpenAPIRuntime.")
            guard error.operationInput == nil || fromRuntime else { return apiError(for: error.underlyingError) }
            let detail = error.causeDescription == "Unknown" ? String(describing: error.underlyingError) : error.causeDescription
            if detail.localizedCaseInsensitiveContains("content type") || detail.localizedCaseInsensitiveContains("content-type") {
                return APIError(.unsupportedMediaType, detail)
            }
            return APIError(.badRequest, detail)
        case let error as DatabaseError:
            // Busy or locked (another writer, a long checkpoint), full or failing storage: temporary.
            switch error.resultCode {
            case .SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_FULL, .SQLITE_IOERR, .SQLITE_CANTOPEN, .SQLITE_READONLY:
                return APIError(.serviceUnavailable, "the job store cannot be written just now; try again shortly", retryAfter: 5)
            default:
                return internalFault
            }
        case let error as POSIXError where [.ENOSPC, .EDQUOT, .EIO, .EMFILE, .ENFILE, .ENOMEM, .EROFS].contains(error.code):
            return APIError(.serviceUnavailable, "the agent is short of disk space or other resources; try again shortly", retryAfter: 30)
        case let error as JobStoreError:
            switch error {
            case .notFound(let id): return .noJob(id.rawValue)
            case .illegalTransition, .noNewRevision, .partAlreadyReceived, .takesNoPart, .notHeld: return APIError(.conflict, error.description)
            case .noSuchPart: return APIError(.notFound, error.description)
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
                return error.status.code < 500 ? APIError(.badRequest, error.body ?? error.status.reasonPhrase) : internalFault
            }
        default:
            return internalFault
        }
    }
}
