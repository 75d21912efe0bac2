import Foundation
import HTTPTypes
import Hummingbird
import JobStore
import Logging
import Pipeline

/// GET /proof/{id}?t=..., its page images and its approve / reject forms. No API token: the signed link is
/// the permission, checked on every request against the job's current proof-link epoch. A view link shows
/// the proof; only a decide link shows the buttons and is accepted by approve and reject.
struct ProofPageRoutes: Sendable {
    let configuration: BridgeConfiguration
    let store: any JobStore
    let hooks: BridgeHooks
    let logger: Logger

    var link: ProofLink { ProofLink(key: configuration.proofLinkKey) }

    func register(on router: Router<BridgeRequestContext>) {
        router.get("/proof/{id}") { request, context in try await page(request, context: context, notice: nil) }
        router.get("/proof/{id}/pages/{page}") { request, context in try await image(request, context: context) }
        router.post("/proof/{id}/approve") { request, context in try await decide(request, context: context, approve: true) }
        router.post("/proof/{id}/reject") { request, context in try await decide(request, context: context, approve: false) }
    }

    /// Why a link shows no proof: its catalogue key and status, and the job when there is one (its
    /// language is the page's).
    struct Refusal: Error {
        let key: String
        let code: APIError.Code
        let job: Job?

        /// The refusal as the API's JSON error, for the image and the decision routes: the English sentence,
        /// written as error messages are (no capital, no full stop).
        var apiError: APIError {
            let sentence = MessageCatalogue.english.render(key)
            return APIError(code, sentence.prefix(1).lowercased() + sentence.dropFirst().trimmingCharacters(in: ["."]))
        }
    }

    /// The job and what the link allows, when the link is valid for the job's current proof.
    private func authorize(_ request: Request, context: BridgeRequestContext) async throws -> (Job, String, ProofLink.Capability) {
        let idText = context.parameters.get("id") ?? ""
        let token = request.uri.queryParameters.get("t") ?? ""
        guard let id = JobID(idText), let job = try await store.job(id) else {
            throw Refusal(key: "proof.error.not_found", code: .notFound, job: nil)
        }
        switch link.verify(token, for: id, currentEpoch: job.proofLinkEpoch) {
        case .valid(let capability): return (job, token, capability)
        case .expired: throw Refusal(key: "proof.error.expired", code: .forbidden, job: job)
        case .superseded: throw Refusal(key: "proof.error.superseded", code: .forbidden, job: job)
        case .invalid: throw Refusal(key: "proof.error.invalid", code: .forbidden, job: job)
        }
    }

    /// As `authorize`, with a refusal as the API's JSON error.
    private func authorizedJob(_ request: Request, context: BridgeRequestContext) async throws -> (Job, String, ProofLink.Capability) {
        do { return try await authorize(request, context: context) } catch let refusal as Refusal { throw refusal.apiError }
    }

    private func page(_ request: Request, context: BridgeRequestContext, notice: String?) async throws -> Response {
        let acceptLanguage = request.headers[.acceptLanguage]
        let job: Job, token: String, capability: ProofLink.Capability
        do {
            (job, token, capability) = try await authorize(request, context: context)
        } catch let refusal as Refusal {
            // A person opened the link: the refusal is a page in their language, not JSON.
            let catalogue = ProofPageHTML.language(for: refusal.job, acceptLanguage: acceptLanguage)
            return Response(status: refusal.code.status, headers: Self.pageHeaders,
                            body: .init(byteBuffer: ByteBuffer(string: ProofPageHTML.refusal(refusal.key, catalogue: catalogue))))
        }
        let workspace = JobWorkspace(jobsDirectory: configuration.jobsDirectory, id: job.id)
        let base = "/proof/\(job.id.rawValue)"
        let query = "?t=" + (token.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? token)
        let report = FileManager.default.contents(atPath: workspace.report).flatMap { try? JSONDecoder().decode(PreflightReport.self, from: $0) }
        let html = ProofPageHTML(job: job, pageImageURLs: WorkspaceContents(workspace).proofPages.map { "\(base)/pages/\($0).png\(query)" },
                                 report: report, decides: capability == .decide,
                                 approveURL: base + "/approve" + query, rejectURL: base + "/reject" + query,
                                 notice: notice ?? request.uri.queryParameters.get("notice").flatMap { Self.notices[$0] },
                                 catalogue: ProofPageHTML.language(for: job, acceptLanguage: acceptLanguage)).html
        return Response(status: .ok, headers: Self.pageHeaders, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static let pageHeaders: HTTPFields = [
        .contentType: "text/html; charset=utf-8", .cacheControl: "no-store", .vary: "Accept-Language",
        HTTPField.Name("Referrer-Policy")!: "no-referrer",
        HTTPField.Name("Content-Security-Policy")!: "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; form-action 'self'",
    ]

    private func image(_ request: Request, context: BridgeRequestContext) async throws -> Response {
        let (job, _, _) = try await authorizedJob(request, context: context)
        let name = context.parameters.get("page") ?? ""
        guard name.hasSuffix(".png"), let number = Int(name.dropLast(4)), number >= 1 else { throw APIError(.notFound, "there is no such page") }
        let path = JobWorkspace(jobsDirectory: configuration.jobsDirectory, id: job.id).proofPage(number)
        guard let data = FileManager.default.contents(atPath: path) else { throw APIError(.notFound, "there is no such page") }
        return Response(status: .ok, headers: [.contentType: "image/png", .cacheControl: "private, max-age=3600"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    private func decide(_ request: Request, context: BridgeRequestContext, approve: Bool) async throws -> Response {
        let (job, token, capability) = try await authorizedJob(request, context: context)
        guard capability == .decide else {
            throw APIError(.forbidden, "this link shows the proof but cannot approve or reject it; use the link the print shop sent for your decision")
        }
        let actor = EventActor(kind: .proofPage, address: context.clientAddress, userAgent: request.headers[.userAgent])
        let notice: String
        if job.status != .awaitingApproval {
            notice = "unchanged"
        } else if approve {
            try await store.transition(job.id, to: .approved, detail: "approved on the proof page", update: JobUpdate(actor: actor))
            hooks.jobIsRunnable(job.id)
            notice = "approved"
        } else {
            let form = try await request.body.collect(upTo: 64 * 1024)
            let reason = Self.formValue("reason", in: String(buffer: form))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            guard (1...2000).contains(reason.count) else { throw APIError.invalid("reason", "please say what should change") }
            try await store.transition(job.id, to: .rejected, detail: "rejected on the proof page: \(reason)",
                                       update: JobUpdate(failureReason: reason, actor: actor))
            hooks.jobEnded(job.id)
            notice = "rejected"
        }
        logger.info("proof page decision", metadata: ["job": "\(job.id)", "approve": "\(approve)", "requestId": "\(RequestScope.requestId)",
                                                      "client": "\(context.clientAddress)"])
        // Post/redirect/get: a reload does not send the decision twice.
        let location = "/proof/\(job.id.rawValue)?t=\(token.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? token)&notice=\(notice)"
        return Response(status: .seeOther, headers: [.location: location])
    }

    /// The texts a redirect after a decision may show, by catalogue key; the link names one, it cannot
    /// bring its own.
    static let notices = [
        "approved": "proof.notice.approved",
        "rejected": "proof.notice.rejected",
        "unchanged": "proof.notice.unchanged",
    ]

    /// A value of an application/x-www-form-urlencoded body.
    static func formValue(_ name: String, in body: String) -> String? {
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.first == name else { continue }
            let raw = parts.count > 1 ? parts[1] : ""
            return raw.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
        }
        return nil
    }
}
