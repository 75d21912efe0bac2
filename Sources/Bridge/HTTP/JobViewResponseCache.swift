import Foundation
import HTTPTypes
import Hummingbird
import JobStore
import Synchronization

/// GET /api/v1/jobs/{id} answers, kept as the generated server wrote them, because MIS systems poll their
/// open orders: an answer is reused while the store has committed no change to that job
/// (`JobStore.localChangeCount`) and for at most `maximumAge`, which bounds how late a change made by
/// another process (the CLI) or the hourly renewal of the proof link shows. A store that hears every
/// process's changes (`JobStore.hearsEveryChange`: PostgreSQL, listening) leaves only the proof link's
/// renewal to bound, so answers are kept for `maximumAgeHearingEverything`.
///
/// Every stage writes its files before the transition after it commits, so a kept answer is never older
/// than the job's last commit. Runs after authentication; the scope is checked here as the API would.
/// Answers are kept per job and per what the caller's proof link may do (a `jobs:approve` token's view
/// carries a deciding link, a reader's one that only shows).
struct JobViewResponseCache<Context: RequestContext>: RouterMiddleware {
    let store: any JobStore
    let answers: Answers

    init(store: any JobStore, maximumAge: Duration = .seconds(1), maximumAgeHearingEverything: Duration = .seconds(60),
         capacity: Int = 10_000) {
        self.store = store
        answers = Answers(maximumAge: maximumAge, maximumAgeHearingEverything: maximumAgeHearingEverything, capacity: capacity)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .get, request.uri.query?.isEmpty ?? true, let id = Self.jobID(in: request.uri.path),
              Self.acceptsJSON(request), RequestScope.caller?.scopes.contains(.jobsRead) == true else {
            return try await next(request, context)
        }
        let version = store.localChangeCount(of: id)
        let key = Key(id: id, decides: RequestScope.caller?.scopes.contains(.jobsApprove) == true)
        if let kept = answers.answer(for: key, version: version, hearingEverything: store.hearsEveryChange) {
            return Response(status: .ok, headers: kept.headers, body: .init(byteBuffer: kept.body))
        }
        let response = try await next(request, context)
        guard response.status == .ok else { return response }
        let body = try await response.body.collected()
        var headers = response.headers
        headers[RequestLoggingMiddleware<Context>.requestIdHeader] = nil
        answers.keep(Answer(headers: headers, body: body), for: key, version: version)
        return Response(status: .ok, headers: response.headers, body: .init(byteBuffer: body))
    }

    /// The id of `/api/v1/jobs/{id}` exactly; nil for any other path.
    static func jobID(in path: String) -> JobID? {
        let prefix = "/api/v1/jobs/"
        guard path.hasPrefix(prefix) else { return nil }
        return JobID(String(path.dropFirst(prefix.count)))
    }

    static func acceptsJSON(_ request: Request) -> Bool {
        guard let accept = request.headers[.accept] else { return true }
        return accept.contains("json") || accept.contains("*/*")
    }

    struct Key: Hashable, Sendable {
        var id: JobID
        var decides: Bool
    }

    struct Answer: Sendable {
        var headers: HTTPFields
        var body: ByteBuffer
    }

    final class Answers: Sendable {
        private struct Entry { var version: UInt64; var kept: ContinuousClock.Instant; var answer: Answer }
        private let entries = Mutex([Key: Entry]())
        let maximumAge: Duration
        let maximumAgeHearingEverything: Duration
        let capacity: Int

        init(maximumAge: Duration, maximumAgeHearingEverything: Duration, capacity: Int) {
            self.maximumAge = maximumAge
            self.maximumAgeHearingEverything = maximumAgeHearingEverything
            self.capacity = capacity
        }

        func answer(for id: Key, version: UInt64, hearingEverything: Bool) -> Answer? {
            let age = hearingEverything ? maximumAgeHearingEverything : maximumAge
            return entries.withLock { entries in
                guard let entry = entries[id], entry.version == version, entry.kept.duration(to: .now) < age else { return nil }
                return entry.answer
            }
        }

        func keep(_ answer: Answer, for id: Key, version: UInt64) {
            entries.withLock { entries in
                if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
                entries[id] = Entry(version: version, kept: .now, answer: answer)
            }
        }
    }
}
