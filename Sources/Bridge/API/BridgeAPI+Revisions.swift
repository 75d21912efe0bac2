import Foundation
import JobStore
import Pipeline

extension BridgeAPI {
    func listJobRevisions(_ input: Operations.ListJobRevisions.Input) async throws -> Operations.ListJobRevisions.Output {
        let job = try await existingJob(input.path.id)
        let earlier = try await store.revisions(of: job.id)
        return .ok(.init(body: .json(.init(revisions: earlier.map { representation(of: $0, job: job) } + [representation(ofCurrent: job)]))))
    }

    func getJobRevision(_ input: Operations.GetJobRevision.Input) async throws -> Operations.GetJobRevision.Output {
        let job = try await existingJob(input.path.id)
        if input.path.revision == job.revision { return .ok(.init(body: .json(representation(ofCurrent: job)))) }
        return .ok(.init(body: .json(representation(of: try await earlierRevision(input.path.revision, of: job), job: job))))
    }

    func getJobRevisionReport(_ input: Operations.GetJobRevisionReport.Input) async throws -> Operations.GetJobRevisionReport.Output {
        let (job, outputs) = try await outputs(ofRevision: input.path.revision, job: input.path.id)
        guard let data = FileManager.default.contents(atPath: outputs.report) else {
            throw APIError(.notFound, "revision \(input.path.revision) of job \(job.id) has no preflight report")
        }
        return .ok(.init(body: .json(try JSONDecoder().decode(Components.Schemas.PreflightReport.self, from: data))))
    }

    func getJobRevisionProofPage(_ input: Operations.GetJobRevisionProofPage.Input) async throws -> Operations.GetJobRevisionProofPage.Output {
        let (job, outputs) = try await outputs(ofRevision: input.path.revision, job: input.path.id)
        let path = try Self.proofImage(input.path.page, in: outputs)
        guard FileManager.default.fileExists(atPath: path) else {
            throw APIError(.notFound, "revision \(input.path.revision) of job \(job.id) has no proof of page \(input.path.page)")
        }
        return .ok(.init(body: .png(try FileBody.open(path))))
    }

    /// The job and where revision `number`'s outputs are; 404 for a revision the job has not had, and for the
    /// current one before its own outputs are written (the top level still holds the one before).
    private func outputs(ofRevision number: Int, job idText: String) async throws -> (Job, JobWorkspace) {
        let job = try await existingJob(idText)
        if number != job.revision { _ = try await earlierRevision(number, of: job) }
        let workspace = workspaceOf(job.id)
        if number == job.revision, workspace.outputsRevision != job.revision {
            throw APIError(.notFound, "revision \(number) of job \(job.id) has no outputs yet; it is \(job.status.rawValue)")
        }
        return (job, workspace.outputs(ofRevision: number))
    }

    private func earlierRevision(_ number: Int, of job: Job) async throws -> JobRevision {
        guard let revision = try await store.revisions(of: job.id).first(where: { $0.revision == number }) else {
            throw APIError(.notFound, "job \(job.id) has revisions 1 to \(job.revision), not \(number)")
        }
        return revision
    }

    private func representation(of revision: JobRevision, job: Job) -> Components.Schemas.Revision {
        Components.Schemas.Revision(
            revision: revision.revision, current: false, status: .init(rawValue: revision.status.rawValue) ?? .rejected,
            fileName: revision.fileName, sha256: revision.sha256, sizeBytes: revision.sizeBytes, failureReason: revision.failureReason,
            endedAt: revision.endedAt, links: links(ofRevision: revision.revision, job: job, outputs: workspaceOf(job.id).outputs(ofRevision: revision.revision)))
    }

    private func representation(ofCurrent job: Job) -> Components.Schemas.Revision {
        let workspace = workspaceOf(job.id)
        return Components.Schemas.Revision(
            revision: job.revision, current: true, status: .init(rawValue: job.status.rawValue) ?? .failed,
            fileName: job.fileName, sha256: job.sha256, sizeBytes: job.sizeBytes, failureReason: job.failureReason, endedAt: nil,
            links: links(ofRevision: job.revision, job: job, outputs: workspace.outputsRevision == job.revision ? workspace : nil))
    }

    private func links(ofRevision number: Int, job: Job, outputs: JobWorkspace?) -> Components.Schemas.RevisionLinks {
        let base = configuration.publicURL + "/api/v1/jobs/\(job.id.rawValue)/revisions/\(number)"
        let contents = outputs.map { WorkspaceContents($0) } ?? .nothingWritten
        return Components.Schemas.RevisionLinks(
            _self: base, report: contents.hasReport ? base + "/report" : nil,
            proofs: contents.proofPages.isEmpty ? nil : contents.proofPages.map { base + "/proofs/\($0).png" })
    }
}
