import Foundation
import JobStore
import Pipeline

/// Builds the API's view of a job: the stored job plus what its workspace holds (links, preflight summary)
/// and what its history says (stage timings). Links appear only once their file exists.
///
/// `proofCapability` is what the proof-page link in the view allows: deciding for callers that may
/// approve (`jobs:approve`, the job's own callback URL), looking for everyone else.
struct JobResource: Sendable {
    let configuration: BridgeConfiguration
    let store: any JobStore
    let proofLink: ProofLink
    var proofCapability: ProofLink.Capability = .view

    /// The view an API caller gets: a deciding proof link only when its token may approve.
    static func forCaller(configuration: BridgeConfiguration, store: any JobStore) -> JobResource {
        JobResource(configuration: configuration, store: store, proofLink: ProofLink(key: configuration.proofLinkKey),
                    proofCapability: RequestScope.caller?.scopes.contains(.jobsApprove) == true ? .decide : .view)
    }

    func representation(of job: Job) async throws -> Components.Schemas.Job {
        representation(of: job, events: try await store.events(of: job.id))
    }

    func representation(of job: Job, events: [JobEvent]) -> Components.Schemas.Job {
        let workspace = JobWorkspace(jobsDirectory: configuration.jobsDirectory, id: job.id)
        let contents = WorkspaceContents(workspace, revision: job.revision)
        return Components.Schemas.Job(
            id: job.id.rawValue,
            status: .init(rawValue: job.status.rawValue) ?? .failed,
            externalId: job.externalId,
            hotfolder: job.hotfolder,
            fileName: job.fileName.isEmpty ? nil : job.fileName,
            kind: job.kind.flatMap { .init(rawValue: $0.rawValue) },
            sizeBytes: job.sizeBytes,
            sha256: job.sha256,
            revision: job.revision,
            productId: job.product.id,
            product: Self.product(job.product),
            profile: job.order.preflightProfile,
            approval: job.order.approval.flatMap { .init(rawValue: $0.rawValue) },
            language: job.order.language,
            callbackUrl: job.order.callbackURL,
            fixups: job.order.fixups?.map(\.rawValue),
            metadata: .init(additionalProperties: job.order.metadata),
            createdAt: job.createdAt,
            updatedAt: job.updatedAt,
            stages: Self.stages(from: events),
            preflight: contents.hasReport ? ReportSummaryCache.shared.summary(ofReportAt: workspace.report) : nil,
            error: Self.error(of: job),
            parts: job.product.hasParts ? parts(of: job) : nil,
            links: links(of: job, contents: contents))
    }

    /// Every part the product asks for, in its order, with the file that arrived for it.
    func parts(of job: Job) -> [Components.Schemas.JobPart] {
        let workspace = JobWorkspace(jobsDirectory: configuration.jobsDirectory, id: job.id)
        return job.product.partNames.map { name in
            let base = configuration.publicURL + "/api/v1/jobs/" + job.id.rawValue + "/parts/" + name + "/files/"
            guard let file = job.file(ofPart: name) else { return .init(name: name, received: false, links: .init()) }
            let hasOriginal = file.originalPath.map { access($0, F_OK) == 0 } == true
            let printReady = job.status == .printReady && job.product.output == .separate
                && access(workspace.part(name).printReady, F_OK) == 0
            return .init(name: name, received: true, fileName: file.fileName, kind: file.kind.flatMap { .init(rawValue: $0.rawValue) },
                         sizeBytes: file.sizeBytes, sha256: file.sha256, receivedAt: file.receivedAt,
                         links: .init(original: hasOriginal ? base + "original" : nil, printReady: printReady ? base + "print-ready" : nil))
        }
    }

    func links(of job: Job, contents: WorkspaceContents) -> Components.Schemas.JobLinks {
        let base = configuration.publicURL + "/api/v1/jobs/" + job.id.rawValue
        let pages = contents.proofPages
        return Components.Schemas.JobLinks(
            _self: base,
            events: base + "/events",
            revisions: base + "/revisions",
            original: job.originalPath.map { access($0, F_OK) == 0 } == true ? base + "/files/original" : nil,
            report: contents.hasReport ? base + "/report" : nil,
            reportHtml: contents.hasReportHTML ? base + "/files/report-html" : nil,
            proofSheet: contents.hasProofSheet ? base + "/files/proof-sheet" : nil,
            printReady: job.status == .printReady && contents.hasPrintReady ? base + "/files/print-ready" : nil,
            proofs: pages.isEmpty ? nil : pages.map { base + "/proofs/\($0).png" },
            thumbnail: contents.hasThumbnail ? base + "/proofs/thumbnail.png" : nil,
            proofPage: pages.isEmpty ? nil : proofPageURL(of: job))
    }

    /// The customer's proof page, with a capability valid for the configured lifetime from now, rounded up
    /// to the hour: the same link for an hour, signed once (job views are polled) and stable in callbacks.
    func proofPageURL(of job: Job) -> String {
        let expiry = ((Date().timeIntervalSince1970 + configuration.proofLinkLifetime) / 3600).rounded(.up) * 3600
        let token = ProofLinkCache.shared.token(for: job.id, capability: proofCapability, epoch: job.proofLinkEpoch, expiry: expiry) {
            proofLink.token(for: job.id, capability: proofCapability, epoch: job.proofLinkEpoch, expires: Date(timeIntervalSince1970: expiry))
        }
        return configuration.publicURL + "/proof/" + job.id.rawValue + "?t=" + token
    }

    /// Spelled as ProductSpec encodes itself (the config and ticket spelling), field by field.
    static func product(_ spec: ProductSpec) -> Components.Schemas.Product {
        let pages: Components.Schemas.PageRule? = spec.pages.map {
            switch $0 {
            case .exactly(let count): .case1(count)
            case .oneOf(let counts): .case2(counts)
            case .range: .case3($0.description)
            }
        }
        return Components.Schemas.Product(trim: spec.trim?.description, bleed: spec.bleed?.description,
                                          safety: spec.safety?.description, pages: pages,
                                          shape: spec.shape.flatMap { .init(rawValue: $0.rawValue) },
                                          cornerRadius: spec.cornerRadius?.description, dieline: spec.dieline.map(dieline),
                                          finishing: spec.finishing, parts: spec.parts.map { $0.map(part) },
                                          output: spec.output.flatMap { .init(rawValue: $0.rawValue) })
    }

    static func part(_ part: ProductPart) -> Components.Schemas.ProductPart {
        let spec = product(part.spec)
        return Components.Schemas.ProductPart(name: part.name, trim: spec.trim, bleed: spec.bleed, safety: spec.safety, pages: spec.pages,
                                              shape: spec.shape, cornerRadius: spec.cornerRadius, dieline: spec.dieline)
    }

    static func dieline(_ dieline: Dieline) -> Components.Schemas.Dieline {
        switch dieline {
        case .none: .case1(.none)
        case .spot(let name): .case2(.init(name: name))
        }
    }

    /// Time in each stage, from entering its working state to the next transition.
    static func stages(from events: [JobEvent]) -> [Components.Schemas.StageTiming] {
        let stageOf: [JobState: Components.Schemas.StageTiming.StagePayload] = [
            .preflighting: .preflight, .proofing: .proof, .producing: .printReady,
        ]
        var timings: [Components.Schemas.StageTiming] = []
        for (index, event) in events.enumerated() {
            guard let stage = stageOf[event.to] else { continue }
            let end = index + 1 < events.count ? events[index + 1].at : nil
            timings.append(.init(stage: stage, startedAt: event.at, endedAt: end,
                                 durationMs: end.map { Int64(($0.timeIntervalSince(event.at) * 1000).rounded()) }))
        }
        return timings
    }

    static func error(of job: Job) -> Components.Schemas.JobError? {
        let message = job.failureReason ?? ""
        switch job.status {
        case .failed: return .init(code: .processingFailed, message: message.isEmpty ? "processing failed" : message)
        case .preflightFailed: return .init(code: .preflightFailed, message: message, stage: "preflight")
        case .rejected: return .init(code: .rejected, message: message)
        case .cancelled: return .init(code: .cancelled, message: message.isEmpty ? "cancelled" : message)
        default: return nil
        }
    }
}
