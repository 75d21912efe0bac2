import Foundation

/// The public shape of a transition: `{"id":"evt_..","type":"job.<status>","sequence",..}`, shared by the
/// event feed and, later, callbacks and webhooks.
enum EventResource {
    static func eventId(_ sequence: Int64) -> String { "evt_\(sequence)" }

    /// A job's first event is job.created; its file arriving is job.uploaded; every other is job.<new status>.
    static func type(of event: JobEvent) -> Components.Schemas.Event._TypePayload {
        if event.from == nil { return .job_created }
        if event.from == .awaitingFile && event.to == .received { return .job_uploaded }
        return .init(rawValue: "job." + event.to.rawValue) ?? .job_failed
    }

    static func representation(of event: JobEvent, job: Job?, publicURL: String) -> Components.Schemas.Event {
        Components.Schemas.Event(
            id: eventId(event.globalSequence), _type: type(of: event), createdAt: event.at, sequence: event.globalSequence,
            data: .init(jobId: event.jobId.rawValue, externalId: job?.externalId, hotfolder: job?.hotfolder,
                        status: .init(rawValue: event.to.rawValue) ?? .failed,
                        previousStatus: event.from.flatMap { .init(rawValue: $0.rawValue) }, detail: event.detail,
                        jobUrl: publicURL + "/api/v1/jobs/" + event.jobId.rawValue))
    }
}
