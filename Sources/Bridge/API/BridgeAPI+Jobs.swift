import Crypto
import Foundation
import JobStore
import OpenAPIRuntime
import Pipeline

extension BridgeAPI {
    func createJob(_ input: Operations.CreateJob.Input) async throws -> Operations.CreateJob.Output {
        let key = input.headers.idempotencyKey
        if let key, !(1...200).contains(key.count) {
            throw APIError.invalid("Idempotency-Key", "the Idempotency-Key must have 1 to 200 characters")
        }
        switch input.body {
        case .json(let request):
            let order = try JobRequestValidation(configuration: configuration).validate(request)
            let requestHash = try Self.hash(of: request)
            if let stored = try await storedAnswer(key: key, requestHash: requestHash) { return stored }
            let now = Date()
            let job = Job(id: JobID.generate(at: now), status: .awaitingFile, hotfolder: order.hotfolder, fileName: "",
                          claimedPath: nil, originalPath: nil, sha256: nil, sizeBytes: nil, kind: nil,
                          externalId: order.externalId, product: order.product, createdAt: now, updatedAt: now, order: order.order)
            return try await create(job, detail: "created through the API by token \(callerName)", key: key, requestHash: requestHash)
        case .multipartForm(let parts):
            return try await createWithFile(parts, key: key)
        }
    }

    /// `job` then `file`, streamed: the file goes straight to the new job's workspace.
    private func createWithFile(_ parts: MultipartBody<Operations.CreateJob.Input.Body.MultipartFormPayload>,
                                key: String?) async throws -> Operations.CreateJob.Output {
        let id = JobID.generate()
        let workspace = workspaceOf(id)
        var order: ValidatedJobRequest?
        var requestJSON = Data()
        var received: UploadReceiver.Received?
        // A product with parts: one form part per product part, named after it.
        var receivedParts: [(part: String, file: UploadReceiver.Received)] = []
        do {
            for try await part in parts {
                switch part {
                case .job(let job):
                    order = try JobRequestValidation(configuration: configuration).validate(job.payload.body)
                    requestJSON = try Self.canonicalJSON(job.payload.body)
                case .file(let file):
                    guard let order else {
                        throw APIError(.badRequest, "send the 'job' part before the 'file' part", field: "job")
                    }
                    guard received == nil else { throw APIError(.badRequest, "send one 'file' part", field: "file") }
                    guard !order.product.hasParts else { throw Self.partsExpected(order.product) }
                    received = try await uploadReceiver()
                        .receive(file.payload.body, suggestedName: file.filename, fallbackStem: order.externalId ?? id.rawValue,
                                 into: workspace.upload + "/" + UUID().uuidString)
                case .undocumented(let extra):
                    if let order, let name = extra.name, order.product.partNames.contains(name) {
                        guard !receivedParts.contains(where: { $0.part == name }) else {
                            throw APIError(.badRequest, "send the part '\(name)' once", field: name)
                        }
                        receivedParts.append((name, try await uploadReceiver()
                            .receive(extra.body, suggestedName: extra.filename, fallbackStem: (order.externalId ?? id.rawValue) + "-" + name,
                                     into: workspace.upload + "/" + UUID().uuidString)))
                        continue
                    }
                    // Read past a part nobody asked for (bounded by MultipartPartLimit), on to the next.
                    for try await _ in extra.body {}
                }
            }
            guard let order else { throw APIError.invalid("job", "the 'job' part is missing") }
            if order.product.hasParts {
                return try await createWithParts(id: id, order: order, requestJSON: requestJSON, parts: receivedParts, key: key)
            }
            guard let received else { throw APIError.invalid("file", "the 'file' part is missing") }
            let requestHash = Self.sha256(requestJSON + Data(received.sha256.utf8))
            if let stored = try await storedAnswer(key: key, requestHash: requestHash) {
                Self.discard(received)
                return stored
            }
            let now = Date()
            let job = Job(id: id, status: .received, hotfolder: order.hotfolder, fileName: received.fileName,
                          claimedPath: received.path, originalPath: received.path, sha256: received.sha256,
                          sizeBytes: received.sizeBytes, kind: received.kind, externalId: order.externalId, product: order.product,
                          createdAt: now, updatedAt: now, order: order.order)
            let output = try await create(job, detail: "created with its file \(received.fileName) through the API by token \(callerName)",
                                          key: key, requestHash: requestHash)
            hooks.jobIsRunnable(id)
            return output
        } catch {
            if let received { Self.discard(received) }
            for (_, file) in receivedParts { Self.discard(file) }
            throw error
        }
    }

    /// A job of a product with parts, created with the parts' files that came along: it waits in
    /// awaiting_file for the others, or starts when all are there. The stored answer (for a repeated
    /// Idempotency-Key) is the job as it was created.
    private func createWithParts(id: JobID, order: ValidatedJobRequest, requestJSON: Data,
                                 parts: [(part: String, file: UploadReceiver.Received)], key: String?) async throws -> Operations.CreateJob.Output {
        guard !parts.isEmpty else { throw Self.partsExpected(order.product) }
        let requestHash = Self.sha256(requestJSON + Data(parts.map { $0.part + ":" + $0.file.sha256 }.joined(separator: ",").utf8))
        if let stored = try await storedAnswer(key: key, requestHash: requestHash) {
            for (_, file) in parts { Self.discard(file) }
            return stored
        }
        let now = Date()
        var job = Job(id: id, status: .awaitingFile, hotfolder: order.hotfolder, fileName: "", claimedPath: nil, originalPath: nil,
                      sha256: nil, sizeBytes: nil, kind: nil, externalId: order.externalId, product: order.product,
                      createdAt: now, updatedAt: now, order: order.order)
        let created = try await create(job, detail: "created through the API by token \(callerName)", key: key, requestHash: requestHash)
        guard case .created(let answer) = created, case .json(let body) = answer.body, body.id == id.rawValue else {
            for (_, file) in parts { Self.discard(file) }
            return created
        }
        for (index, (part, file)) in parts.enumerated() {
            do { job = try await receive(file, asPart: part, of: job) } catch {
                for (_, rest) in parts[(index + 1)...] { Self.discard(rest) }
                throw error
            }
        }
        return .created(.init(headers: answer.headers, body: .json(try await resource.representation(of: job))))
    }

    /// The answer to a file for a product made of parts, or no file at all for one.
    private static func partsExpected(_ product: ProductSpec) -> APIError {
        let names = product.partNames
        return APIError.invalid(names.first ?? "file", "this product is made of parts (\(names.joined(separator: ", "))); "
                                + "send each part's file in a form part named after it, such as '\(names.first ?? "front")'")
    }

    /// Refuses the upload before its first byte while intake is paused: the client retries later, nothing is
    /// half-stored on a filling disk.
    func uploadReceiver() throws -> UploadReceiver {
        if let reason = hooks.intakePause() {
            throw APIError(.serviceUnavailable, "the agent takes no new files now: \(reason)", retryAfter: UploadReceiver.retryAfterFullDisk)
        }
        return UploadReceiver(maxBytes: configuration.maxUploadBytes)
    }

    private func create(_ job: Job, detail: String, key: String?, requestHash: String) async throws -> Operations.CreateJob.Output {
        let body = try await resource.representation(of: job)
        let record = try key.map {
            IdempotencyRecord(key: $0, owner: callerName, requestHash: requestHash, statusCode: 201,
                              responseBody: try JSONEncoder().encode(body), createdAt: job.createdAt)
        }
        if let existing = try await store.create(job, detail: detail, idempotency: record) {
            // Another request with the same key won the race; answer as it was answered.
            return try replay(existing, requestHash: requestHash)
        }
        logger.info("job created through the API", metadata: ["job": "\(job.id)", "hotfolder": "\(job.hotfolder ?? "-")",
                                                               "requestId": "\(RequestScope.requestId)"])
        return .created(.init(headers: .init(location: body.links._self), body: .json(body)))
    }

    private func storedAnswer(key: String?, requestHash: String) async throws -> Operations.CreateJob.Output? {
        guard let key, let stored = try await store.idempotencyRecord(
            key: key, owner: callerName, notBefore: Date().addingTimeInterval(-IdempotencyRecord.lifetime)) else { return nil }
        return try replay(stored, requestHash: requestHash)
    }

    private func replay(_ record: IdempotencyRecord, requestHash: String) throws -> Operations.CreateJob.Output {
        guard record.requestHash == requestHash else {
            throw APIError.invalid("Idempotency-Key", "this Idempotency-Key was used within 24 h for a different request; use a new key")
        }
        let body = try JSONDecoder().decode(Components.Schemas.Job.self, from: record.responseBody)
        return .created(.init(headers: .init(location: body.links._self), body: .json(body)))
    }

    func listJobs(_ input: Operations.ListJobs.Input) async throws -> Operations.ListJobs.Output {
        let query = input.query
        let limit = query.limit ?? 50
        guard (1...200).contains(limit) else { throw APIError.invalid("limit", "limit must be between 1 and 200") }
        for (field, value) in [("externalId", query.externalId), ("hotfolder", query.hotfolder), ("cursor", query.cursor)] {
            if let value, value.count > 200 { throw APIError.invalid(field, "\(field) has at most 200 characters") }
        }
        var after: JobID?
        if let cursor = query.cursor {
            guard let id = JobID(cursor) else { throw APIError.invalid("cursor", "this cursor was not given out by this API") }
            after = id
        }
        let filter = JobFilter(statuses: query.status.flatMap { JobState(rawValue: $0.rawValue) }.map { [$0] },
                               hotfolder: query.hotfolder, externalId: query.externalId, createdAfter: query.createdAfter,
                               createdBefore: query.createdBefore, after: after, order: .newestFirst, limit: limit + 1)
        let jobs = try await store.jobs(matching: filter)
        var page: [Components.Schemas.Job] = []
        for job in jobs.prefix(limit) { page.append(try await resource.representation(of: job)) }
        let next = jobs.count > limit ? jobs[limit - 1].id.rawValue : nil
        return .ok(.init(body: .json(.init(jobs: page, nextCursor: next))))
    }

    func getJob(_ input: Operations.GetJob.Input) async throws -> Operations.GetJob.Output {
        guard let id = JobID(input.path.id), let (job, events) = try await store.jobWithEvents(id) else {
            throw APIError.noJob(input.path.id)
        }
        return .ok(.init(body: .json(resource.representation(of: job, events: events))))
    }

    func uploadJobFile(_ input: Operations.UploadJobFile.Input) async throws -> Operations.UploadJobFile.Output {
        let job = try await existingJob(input.path.id)
        guard !job.product.hasParts else {
            throw APIError(.conflict, "job \(job.id) is made of parts (\(job.product.partNames.joined(separator: ", "))); "
                           + "send each with PUT /api/v1/jobs/\(job.id)/parts/{part}")
        }
        // A job that failed preflight or was rejected takes a new version of its file: its next revision.
        let startsRevision = job.status == .preflightFailed || job.status == .rejected
        guard job.status == .awaitingFile || startsRevision else {
            throw APIError(.conflict, "job \(job.id) is \(job.status.rawValue); only a job in awaiting_file takes a file, "
                           + "and a new version only a job in preflight_failed or rejected")
        }
        let body: HTTPBody
        switch input.body {
        case .pdf(let data), .jpeg(let data), .png(let data), .imageTiff(let data): body = data
        }
        let received = try await uploadReceiver().receive(
            body, suggestedName: UploadReceiver.fileName(fromContentDisposition: input.headers.contentDisposition),
            fallbackStem: job.externalId ?? job.id.rawValue,
            // Each upload in a folder of its own: two racing uploads never touch each other's file.
            into: workspaceOf(job.id).upload + "/" + UUID().uuidString)
        let updated: Job
        do {
            let what = startsRevision ? "revision \(job.revision + 1): new file" : "file"
            updated = try await store.transition(job.id, to: .received,
                                                 detail: "\(what) \(received.fileName) (\(received.sizeBytes) bytes) uploaded through the API by token \(callerName)",
                                                 update: JobUpdate(arrivedFile: ArrivedFile(
                                                    fileName: received.fileName, claimedPath: received.path, sha256: received.sha256,
                                                    sizeBytes: received.sizeBytes, kind: received.kind),
                                                                   actor: RequestScope.actor, startsRevision: startsRevision))
        } catch {
            Self.discard(received)
            throw error
        }
        hooks.jobIsRunnable(job.id)
        return .ok(.init(body: .json(try await resource.representation(of: updated))))
    }

    /// Removes an upload that did not become a job's original (it is ours, never a customer's only copy).
    static func discard(_ received: UploadReceiver.Received) {
        unlink(received.path)
        UploadReceiver.removeEmptyDirectories(from: (received.path as NSString).deletingLastPathComponent)
    }

    static func canonicalJSON(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return try encoder.encode(value)
    }

    static func hash(of value: some Encodable) throws -> String { sha256(try canonicalJSON(value)) }

    static func sha256(_ data: Data) -> String { SHA256.hash(data: data).hexadecimal }
}
