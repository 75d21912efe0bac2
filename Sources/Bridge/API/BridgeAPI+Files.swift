import Foundation
import JobStore
import OpenAPIRuntime
import Pipeline

extension BridgeAPI {
    func getJobReport(_ input: Operations.GetJobReport.Input) async throws -> Operations.GetJobReport.Output {
        let job = try await existingJob(input.path.id)
        guard let data = FileManager.default.contents(atPath: workspaceOf(job.id).report) else {
            throw APIError(.notFound, "job \(job.id) has no preflight report yet; it is \(job.status.rawValue)")
        }
        return .ok(.init(body: .json(try JSONDecoder().decode(Components.Schemas.PreflightReport.self, from: data))))
    }

    func getJobFile(_ input: Operations.GetJobFile.Input) async throws -> Operations.GetJobFile.Output {
        let job = try await existingJob(input.path.id)
        let workspace = workspaceOf(job.id)
        let stem = JobFileNames.stem(job.fileName.isEmpty ? job.id.rawValue : job.fileName)
        func missing(_ what: String) -> APIError {
            APIError(.notFound, "job \(job.id) has no \(what) yet; it is \(job.status.rawValue)")
        }
        switch input.path.file {
        case .original:
            guard let path = job.originalPath, FileManager.default.fileExists(atPath: path) else { throw missing("original file") }
            let body = try FileBody.open(path)
            let headers = Operations.GetJobFile.Output.Ok.Headers(contentDisposition: FileBody.attachment(job.fileName))
            switch job.kind ?? (try? ArtworkKind.sniff(fileAt: path)) ?? .pdf {
            case .pdf: return .ok(.init(headers: headers, body: .pdf(body)))
            case .jpeg: return .ok(.init(headers: headers, body: .jpeg(body)))
            case .png: return .ok(.init(headers: headers, body: .png(body)))
            case .tiff: return .ok(.init(headers: headers, body: .imageTiff(body)))
            }
        case .printReady:
            // Only once the job says so: the file is complete and durable then.
            guard job.status == .printReady, FileManager.default.fileExists(atPath: workspace.printReady) else { throw missing("print-ready file") }
            return .ok(.init(headers: .init(contentDisposition: FileBody.attachment(stem + ".pdf")), body: .pdf(try FileBody.open(workspace.printReady))))
        case .proofSheet:
            guard FileManager.default.fileExists(atPath: workspace.proofSheet) else { throw missing("proof sheet") }
            return .ok(.init(headers: .init(contentDisposition: FileBody.attachment(stem + ".proof.pdf")), body: .pdf(try FileBody.open(workspace.proofSheet))))
        case .reportHtml:
            guard FileManager.default.fileExists(atPath: workspace.reportHTML) else { throw missing("HTML report") }
            return .ok(.init(headers: .init(contentDisposition: "inline"), body: .html(try FileBody.open(workspace.reportHTML))))
        }
    }

    func getJobProofPage(_ input: Operations.GetJobProofPage.Input) async throws -> Operations.GetJobProofPage.Output {
        let job = try await existingJob(input.path.id)
        let path = try Self.proofImage(input.path.page, in: workspaceOf(job.id))
        guard FileManager.default.fileExists(atPath: path) else {
            throw APIError(.notFound, "job \(job.id) has no proof of page \(input.path.page); it is \(job.status.rawValue)")
        }
        return .ok(.init(body: .png(try FileBody.open(path))))
    }

    /// The proof image a path names: a page number from 1, or `thumbnail`.
    static func proofImage(_ page: String, in workspace: JobWorkspace) throws(APIError) -> String {
        if page == "thumbnail" { return workspace.thumbnail }
        guard let number = Int(page), number >= 1 else { throw APIError.invalid("page", "page is a page number from 1, or 'thumbnail'") }
        return workspace.proofPage(number)
    }
}

/// Output names derived from the original's name.
enum JobFileNames {
    static func stem(_ fileName: String) -> String {
        let ext = (fileName as NSString).pathExtension
        return ext.isEmpty ? fileName : String(fileName.dropLast(ext.count + 1))
    }
}
