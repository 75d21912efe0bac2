import HTTPTypes
import JobStore
import OpenAPIRuntime

/// Checks the caller's token has the scope the operation needs; one table, by the spec's operation ids,
/// the same scopes openapi.yaml states as each operation's security requirement (a test holds them equal).
/// Fails closed: an operation in neither table is refused, so a new route cannot ship without a scope.
struct ScopeMiddleware: ServerMiddleware {
    /// Operations anyone may call (`security: []` in openapi.yaml); /metrics has its own optional token.
    static let publicOperations: Set<String> = ["getHealth", "getReadiness", "getMetrics"]

    static let requiredScopes: [String: Scope] = [
        "createJob": .jobsWrite, "uploadJobFile": .jobsWrite, "uploadJobPart": .jobsWrite, "retryJob": .jobsWrite, "cancelJob": .jobsWrite,
        "listJobs": .jobsRead, "getJob": .jobsRead, "getJobEvents": .jobsRead, "getJobReport": .jobsRead,
        "getJobFile": .jobsRead, "getJobPartFile": .jobsRead, "getJobProofPage": .jobsRead, "listEvents": .jobsRead,
        "listProducts": .jobsRead, "getProduct": .jobsRead,
        "listJobRevisions": .jobsRead, "getJobRevision": .jobsRead, "getJobRevisionReport": .jobsRead, "getJobRevisionProofPage": .jobsRead,
        "approveJob": .jobsApprove, "rejectJob": .jobsApprove,
        "createWebhook": .webhooksManage, "listWebhooks": .webhooksManage, "getWebhook": .webhooksManage,
        "deleteWebhook": .webhooksManage, "listWebhookDeliveries": .webhooksManage, "redeliverWebhookDelivery": .webhooksManage,
        "testWebhook": .webhooksManage, "updateWebhook": .webhooksManage,
        "revokeProofLinks": .jobsApprove,
    ]

    func intercept(_ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
                   next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?))
        async throws -> (HTTPResponse, HTTPBody?) {
        guard !Self.publicOperations.contains(operationID) else { return try await next(request, body, metadata) }
        guard let scope = Self.requiredScopes[operationID] else {
            throw APIError(.forbidden, "\(operationID) has no scope assigned and is refused; this is a fault of the agent, please report it")
        }
        guard let caller = RequestScope.caller else {
            throw APIError(.unauthenticated, "send a valid API token as 'Authorization: Bearer hfa_...'")
        }
        guard caller.scopes.contains(scope) else {
            throw APIError(.forbidden, "token '\(caller.name)' lacks the scope \(scope.rawValue) that \(operationID) needs")
        }
        return try await next(request, body, metadata)
    }
}
