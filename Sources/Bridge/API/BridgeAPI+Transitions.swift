import Foundation
import JobStore

extension BridgeAPI {
    func approveJob(_ input: Operations.ApproveJob.Input) async throws -> Operations.ApproveJob.Output {
        let job = try await move(input.path.id, to: .approved, verb: "approved", detail: "approved through the API by token \(callerName)",
                            update: JobUpdate(actor: RequestScope.actor))
        hooks.jobIsRunnable(job.id)
        return .ok(.init(body: .json(try await resource.representation(of: job))))
    }

    func rejectJob(_ input: Operations.RejectJob.Input) async throws -> Operations.RejectJob.Output {
        guard case .json(let body) = input.body else { throw APIError(.badRequest, "send {\"reason\": \"...\"}") }
        let reason = body.reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...2000).contains(reason.count) else { throw APIError.invalid("reason", "give a reason of 1 to 2000 characters") }
        let job = try await move(input.path.id, to: .rejected, verb: "rejected", detail: "rejected through the API by token \(callerName): \(reason)",
                                 update: JobUpdate(failureReason: reason, actor: RequestScope.actor))
        hooks.jobEnded(job.id)
        return .ok(.init(body: .json(try await resource.representation(of: job))))
    }

    func retryJob(_ input: Operations.RetryJob.Input) async throws -> Operations.RetryJob.Output {
        // awaiting_file may also become received, by its file arriving; a retry is only for a failed job.
        let current = try await existingJob(input.path.id)
        guard current.status == .failed || current.status == .preflightFailed else {
            throw APIError(.conflict, "job \(current.id) is \(current.status.rawValue); only failed and preflight_failed jobs can be retried")
        }
        let job = try await move(input.path.id, to: .received, verb: "retried", detail: "retry requested through the API by token \(callerName)",
                                 update: JobUpdate(clearsFailureReason: true, actor: RequestScope.actor))
        hooks.jobIsRunnable(job.id)
        return .ok(.init(body: .json(try await resource.representation(of: job))))
    }

    func cancelJob(_ input: Operations.CancelJob.Input) async throws -> Operations.CancelJob.Output {
        let job = try await move(input.path.id, to: .cancelled, verb: "cancelled", detail: "cancelled through the API by token \(callerName)",
                                 update: JobUpdate(failureReason: "cancelled through the API", actor: RequestScope.actor))
        hooks.jobEnded(job.id)
        return .ok(.init(body: .json(try await resource.representation(of: job))))
    }

    func revokeProofLinks(_ input: Operations.RevokeProofLinks.Input) async throws -> Operations.RevokeProofLinks.Output {
        let job = try await existingJob(input.path.id)
        let epoch = try await store.revokeProofLinks(job.id)
        logger.info("proof links revoked", metadata: ["job": "\(job.id)", "epoch": "\(epoch)", "token": "\(callerName)",
                                                      "requestId": "\(RequestScope.requestId)"])
        return .ok(.init(body: .json(try await resource.representation(of: try await existingJob(input.path.id)))))
    }

    /// One transition, with 409 naming the state the job is in when it cannot make it.
    private func move(_ idText: String, to state: JobState, verb: String, detail: String,
                      update: JobUpdate = JobUpdate()) async throws -> Job {
        let job = try await existingJob(idText)
        guard job.status.canMove(to: state) else {
            throw APIError(.conflict, "job \(job.id) is \(job.status.rawValue) and cannot be \(verb) now")
        }
        do {
            let moved = try await store.transition(job.id, to: state, detail: detail, update: update)
            logger.info("job \(state.rawValue) through the API", metadata: ["job": "\(job.id)", "requestId": "\(RequestScope.requestId)"])
            return moved
        } catch JobStoreError.illegalTransition(_, let from, _) {
            throw APIError(.conflict, "job \(job.id) is \(from.rawValue) and cannot be \(verb) now")
        }
    }
}
