import Foundation
import JobStore

/// The public shape of a transition: `{"id":"evt_..","type":"job.<status>","sequence",..,"data":{..}}`, the
/// same for the event feed and for callbacks and webhooks, so a receiver can act on it without asking back.
///
/// `data` tells the event as it was: status, failure reason and proof link are those the event left (kept
/// with the event, however late it is planned or read), and an event from before preflight carries no
/// report, findings or proofs, even when a later run has written them since. Files that do travel are
/// links to the job's files as they are when the event is read.
struct EventResource: Sendable {
    let resource: JobResource

    /// A job's first event is job.created; its file arriving is job.uploaded (for a job of parts: a part's file
    /// is job.part_received, the last part's is followed by job.uploaded); a new version of its file is
    /// job.revision_started; every other is job.<new status>.
    static func type(of event: JobEvent) -> Components.Schemas.Event._TypePayload {
        if event.from == nil { return .job_created }
        if event.part != nil && event.from == .awaitingFile && event.to == .awaitingFile { return .job_partReceived }
        if event.from == .awaitingFile && event.to == .received { return .job_uploaded }
        if event.startsRevision { return .job_revisionStarted }
        return .init(rawValue: "job." + event.to.rawValue) ?? .job_failed
    }

    /// Events after which the findings themselves travel along, not only their counts.
    private static let findingsTravelWith: Set<JobState> = [.preflightPassed, .preflightFailed, .printReady, .failed, .rejected]

    /// Events before which preflight has not run for this try: their bodies leave preflight's files out.
    private static let beforePreflight: Set<JobState> = [.awaitingFile, .received, .preflighting]

    func representation(of event: JobEvent, job current: Job?) -> Components.Schemas.Event {
        let job = current?.asOf(event)
        let publicURL = resource.configuration.publicURL
        var data = Components.Schemas.EventData(
            jobId: event.jobId.rawValue, externalId: job?.externalId, hotfolder: job?.hotfolder,
            revision: event.jobAtEvent?.revision ?? 1, part: event.part,
            status: .init(rawValue: event.to.rawValue) ?? .failed,
            previousStatus: event.from.flatMap { .init(rawValue: $0.rawValue) }, detail: event.detail,
            jobUrl: publicURL + "/api/v1/jobs/" + event.jobId.rawValue)
        // What was ordered travels along (finishing included), so a receiver needs no second request to know it.
        data.product = job.map { JobResource.product($0.product) }
        data.actor = event.actor.map {
            .init(kind: .init(rawValue: $0.kind.rawValue) ?? .token, name: $0.name, address: $0.address, userAgent: $0.userAgent)
        }
        if let job, let current {
            var outputs = JobWorkspace(jobsDirectory: resource.configuration.jobsDirectory, id: job.id)
            let contents: WorkspaceContents
            if job.revision < current.revision {
                // An event of an earlier revision: the report and proofs that revision left, where they are kept.
                outputs = outputs.outputs(ofRevision: job.revision)
                contents = Self.beforePreflight.contains(event.to) ? .nothingWritten : WorkspaceContents(outputs)
                let base = publicURL + "/api/v1/jobs/\(job.id.rawValue)/revisions/\(job.revision)"
                data.files = .init(proofs: contents.proofPages.isEmpty ? nil : contents.proofPages.map { base + "/proofs/\($0).png" },
                                   report: contents.hasReport ? base + "/report" : nil)
            } else {
                contents = Self.beforePreflight.contains(event.to) ? .nothingWritten : WorkspaceContents(outputs, revision: job.revision)
                let links = resource.links(of: job, contents: contents)
                data.files = .init(original: links.original, printReady: links.printReady, proofSheet: links.proofSheet,
                                   proofs: links.proofs, report: links.report, reportHtml: links.reportHtml)
                data.proofPageUrl = links.proofPage
            }
            if contents.hasReport, let summary = ReportSummaryCache.shared.summary(ofReportAt: outputs.report) {
                data.preflight = .init(result: .init(rawValue: summary.result.rawValue) ?? .fail, errors: summary.errors,
                                       warnings: summary.warnings,
                                       findings: Self.findingsTravelWith.contains(event.to) ? Self.findings(ofReportAt: outputs.report) : nil)
            }
            data.error = JobResource.error(of: job)
        }
        return Components.Schemas.Event(id: event.id, _type: Self.type(of: event), createdAt: event.at,
                                        sequence: event.globalSequence, data: data)
    }

    /// The report's findings as they are written there (check, severity, page, message, measured, expected, bbox).
    private static func findings(ofReportAt path: String) -> [Components.Schemas.EventPreflight.FindingsPayloadPayload]? {
        struct Findings: Decodable { var findings: [Components.Schemas.EventPreflight.FindingsPayloadPayload] }
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONDecoder().decode(Findings.self, from: data).findings
    }
}
