import Foundation
import JobStore
import Logging
import OpenAPIRuntime
import Pipeline

/// The operations of openapi.yaml, over the job store. One extension per group of operations.
struct BridgeAPI: APIProtocol {
    let configuration: BridgeConfiguration
    let store: any BridgeStore
    let hooks: BridgeHooks
    let logger: Logger

    /// The job view for the caller of the request being answered (its proof link decides only for approvers).
    var resource: JobResource { JobResource.forCaller(configuration: configuration, store: store) }
    var workspaceOf: (JobID) -> JobWorkspace { { JobWorkspace(jobsDirectory: configuration.jobsDirectory, id: $0) } }

    /// The job named by a path parameter; 404 for a malformed id as for an unknown one.
    func existingJob(_ text: String) async throws -> Job {
        guard let id = JobID(text), let job = try await store.job(id) else { throw APIError.noJob(text) }
        return job
    }

    var callerName: String { RequestScope.caller?.name ?? "-" }
}

// MARK: Service

extension BridgeAPI {
    func getHealth(_ input: Operations.GetHealth.Input) async throws -> Operations.GetHealth.Output {
        .ok(.init(body: .json(.init(status: .ok, version: configuration.version))))
    }

    func getReadiness(_ input: Operations.GetReadiness.Input) async throws -> Operations.GetReadiness.Output {
        var problems = await hooks.unreadiness()
        do {
            _ = try await store.lastEventSequence()
        } catch {
            logger.error("readiness: the job store cannot be read", metadata: ["error": "\(error)"])
            problems["store"] = "the job store cannot be read"
        }
        let health = Components.Schemas.Health(status: problems.isEmpty ? .ok : .unavailable, version: configuration.version,
                                               checks: .init(additionalProperties: problems))
        return problems.isEmpty ? .ok(.init(body: .json(health))) : .serviceUnavailable(.init(body: .json(health)))
    }

    func getMetrics(_ input: Operations.GetMetrics.Input) async throws -> Operations.GetMetrics.Output {
        .ok(.init(body: .plainText(HTTPBody(await hooks.metrics()))))
    }
}
