import Foundation
import JobStore
import OpenAPIRuntime
import Pipeline

extension BridgeAPI {
    func uploadJobPart(_ input: Operations.UploadJobPart.Input) async throws -> Operations.UploadJobPart.Output {
        let job = try await existingJob(input.path.id)
        let part = input.path.part
        // Refused before a byte is stored: a large upload for a part the job cannot take is wasted.
        guard job.product.partNames.contains(part) else {
            throw JobStoreError.noSuchPart(job.id, part: part, parts: job.product.partNames)
        }
        switch job.status {
        case .awaitingFile where job.file(ofPart: part) != nil: throw JobStoreError.partAlreadyReceived(job.id, part: part)
        case .awaitingFile, .preflightFailed, .rejected: break
        default: throw JobStoreError.takesNoPart(job.id, from: job.status)
        }
        let body: HTTPBody
        switch input.body {
        case .pdf(let data), .jpeg(let data), .png(let data), .imageTiff(let data): body = data
        }
        let received = try await uploadReceiver().receive(
            body, suggestedName: UploadReceiver.fileName(fromContentDisposition: input.headers.contentDisposition),
            fallbackStem: (job.externalId ?? job.id.rawValue) + "-" + part,
            into: workspaceOf(job.id).upload + "/" + UUID().uuidString)
        let updated = try await receive(received, asPart: part, of: job)
        return .ok(.init(body: .json(try await resource.representation(of: updated))))
    }

    /// Records an upload as the file of `part`; the job starts when it was the last one missing.
    func receive(_ received: UploadReceiver.Received, asPart part: String, of job: Job) async throws -> Job {
        let updated: Job
        do {
            let what = job.status == .awaitingFile ? "file" : "revision \(job.revision + 1): new file"
            updated = try await store.receivePart(
                job.id, part: part,
                file: ArrivedFile(fileName: received.fileName, claimedPath: received.path, sha256: received.sha256,
                                  sizeBytes: received.sizeBytes, kind: received.kind),
                detail: "\(what) of the \(part) \(received.fileName) (\(received.sizeBytes) bytes) uploaded through the API by token \(callerName)",
                actor: RequestScope.actor)
        } catch {
            Self.discard(received)
            throw error
        }
        if updated.status == .received { hooks.jobIsRunnable(job.id) }
        return updated
    }

    func getJobPartFile(_ input: Operations.GetJobPartFile.Input) async throws -> Operations.GetJobPartFile.Output {
        let job = try await existingJob(input.path.id)
        let part = input.path.part
        guard job.product.partNames.contains(part) else {
            throw JobStoreError.noSuchPart(job.id, part: part, parts: job.product.partNames)
        }
        func missing(_ what: String) -> APIError {
            APIError(.notFound, "the \(part) of job \(job.id) has no \(what) yet; the job is \(job.status.rawValue)")
        }
        switch input.path.file {
        case .original:
            guard let file = job.file(ofPart: part), let path = file.originalPath, FileManager.default.fileExists(atPath: path) else {
                throw missing("original file")
            }
            let body = try FileBody.open(path)
            let headers = Operations.GetJobPartFile.Output.Ok.Headers(contentDisposition: FileBody.attachment(file.fileName))
            switch file.kind ?? (try? ArtworkKind.sniff(fileAt: path)) ?? .pdf {
            case .pdf: return .ok(.init(headers: headers, body: .pdf(body)))
            case .jpeg: return .ok(.init(headers: headers, body: .jpeg(body)))
            case .png: return .ok(.init(headers: headers, body: .png(body)))
            case .tiff: return .ok(.init(headers: headers, body: .imageTiff(body)))
            }
        case .printReady:
            let path = workspaceOf(job.id).part(part).printReady
            guard job.status == .printReady, FileManager.default.fileExists(atPath: path) else { throw missing("print-ready file") }
            let name = (job.externalId ?? JobFileNames.stem(job.fileName.isEmpty ? job.id.rawValue : job.fileName)) + "-" + part + ".pdf"
            return .ok(.init(headers: .init(contentDisposition: FileBody.attachment(name)), body: .pdf(try FileBody.open(path))))
        }
    }
}
