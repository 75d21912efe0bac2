import Foundation
import HTTPTypes
import Hummingbird
import JobStore
import Logging
import Metrics

/// The outermost layer: gives each request an id (`X-Request-Id` on the response, `requestId` in the log
/// line), turns any error into the one error shape, and logs one line per request.
struct RequestLoggingMiddleware<Context: RequestContext>: RouterMiddleware {
    static var requestIdHeader: HTTPField.Name { HTTPField.Name("X-Request-Id")! }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let id = Self.requestId(from: request)
        var context = context
        context.logger[metadataKey: "requestId"] = "\(id)"
        let started = ContinuousClock.now
        var response: Response
        do {
            let address = (context as? BridgeRequestContext)?.clientAddress ?? "-"
            let agent = request.headers[.userAgent]
            response = try await RequestScope.$requestId.withValue(id) {
                try await RequestScope.$clientAddress.withValue(address) {
                    try await RequestScope.$userAgent.withValue(agent) { try await next(request, context) }
                }
            }
        } catch {
            response = RequestScope.$requestId.withValue(id) { ErrorTranslation.response(for: error, logger: context.logger) }
        }
        response.headers[Self.requestIdHeader] = id
        let elapsed = started.duration(to: .now)
        // The route template ("/api/v1/jobs/{jobId}"), not the path, so ids do not make a series each.
        let route = context.endpointPath.flatMap { $0 == "NotFound" ? nil : $0 } ?? "unmatched"
        Counter(label: "hotfolder_bridge_requests_total",
                dimensions: [("route", route), ("method", request.method.rawValue), ("status", String(response.status.code))]).increment()
        Metrics.Timer(label: "hotfolder_bridge_request_duration_seconds", dimensions: [("route", route)]).record(duration: elapsed)
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        context.logger.log(level: response.status.code >= 500 ? .error : .info, "request", metadata: [
            "method": "\(request.method.rawValue)", "path": "\(request.uri.path)", "status": "\(response.status.code)",
            "ms": "\(String(format: "%.1f", milliseconds))", "token": "\(RequestScope.caller?.name ?? "-")",
        ])
        return response
    }

    /// A caller's own id when it is short and plain (so it can follow a request across systems), else a new one.
    static func requestId(from request: Request) -> String {
        if let given = request.headers[requestIdHeader], (1...64).contains(given.count),
           given.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.:".contains($0)) }) {
            return given
        }
        return "req_" + ULID.generate().description.lowercased()
    }
}
