import HTTPTypes
import OpenAPIRuntime

/// Checks the caller's token has the scope the operation needs; one table, by the spec's operation ids.
struct ScopeMiddleware: ServerMiddleware {
    static let requiredScopes: [String: Scope] = [
        "createJob": .jobsWrite, "uploadJobFile": .jobsWrite, "retryJob": .jobsWrite, "cancelJob": .jobsWrite,
        "listJobs": .jobsRead, "getJob": .jobsRead, "getJobEvents": .jobsRead, "getJobReport": .jobsRead,
        "getJobFile": .jobsRead, "getJobProofPage": .jobsRead, "listEvents": .jobsRead,
        "approveJob": .jobsApprove, "rejectJob": .jobsApprove,
        "createWebhook": .webhooksManage, "listWebhooks": .webhooksManage, "getWebhook": .webhooksManage,
        "deleteWebhook": .webhooksManage, "listWebhookDeliveries": .webhooksManage, "redeliverWebhookDelivery": .webhooksManage,
        "testWebhook": .webhooksManage,
    ]

    func intercept(_ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
                   next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?))
        async throws -> (HTTPResponse, HTTPBody?) {
        if let scope = Self.requiredScopes[operationID] {
            guard let caller = RequestScope.caller else {
                throw APIError(.unauthenticated, "send a valid API token as 'Authorization: Bearer hfa_...'")
            }
            guard caller.scopes.contains(scope) else {
                throw APIError(.forbidden, "token '\(caller.name)' lacks the scope \(scope.rawValue) that \(operationID) needs")
            }
        }
        return try await next(request, body, metadata)
    }
}
