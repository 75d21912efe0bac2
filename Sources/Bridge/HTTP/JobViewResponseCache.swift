import Foundation
import HTTPTypes
import Hummingbird
import Synchronization

/// GET /api/v1/jobs/{id} answers, kept as the generated server wrote them, because MIS systems poll their
/// open orders: an answer is reused while the store has committed no change to that job
/// (`JobStore.localChangeCount`) and for at most `maximumAge`, which bounds how late a change made by
/// another process (the CLI) or the hourly renewal of the proof link shows.
///
/// Every stage writes its files before the transition after it commits, so a kept answer is never older
/// than the job's last commit. Runs after authentication; the scope is checked here as the API would.
struct JobViewResponseCache<Context: RequestContext>: RouterMiddleware {
    let store: any JobStore
    let answers: Answers

    init(store: any JobStore, maximumAge: Duration = .seconds(1), capacity: Int = 10_000) {
        self.store = store
        answers = Answers(maximumAge: maximumAge, capacity: capacity)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .get, request.uri.query?.isEmpty ?? true, let id = Self.jobID(in: request.uri.path),
              Self.acceptsJSON(request), RequestScope.caller?.scopes.contains(.jobsRead) == true else {
            return try await next(request, context)
        }
        let version = store.localChangeCount(of: id)
        if let kept = answers.answer(for: id, version: version) {
            return Response(status: .ok, headers: kept.headers, body: .init(byteBuffer: kept.body))
        }
        let response = try await next(request, context)
        guard response.status == .ok else { return response }
        let collected = CollectedBody()
        try await response.body.write(CollectingWriter(target: collected))
        var headers = response.headers
        headers[RequestLoggingMiddleware<Context>.requestIdHeader] = nil
        answers.keep(Answer(headers: headers, body: collected.buffer), for: id, version: version)
        return Response(status: .ok, headers: response.headers, body: .init(byteBuffer: collected.buffer))
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

    struct Answer: Sendable {
        var headers: HTTPFields
        var body: ByteBuffer
    }

    final class Answers: Sendable {
        private struct Entry { var version: UInt64; var kept: ContinuousClock.Instant; var answer: Answer }
        private let entries = Mutex([JobID: Entry]())
        let maximumAge: Duration
        let capacity: Int

        init(maximumAge: Duration, capacity: Int) {
            self.maximumAge = maximumAge
            self.capacity = capacity
        }

        func answer(for id: JobID, version: UInt64) -> Answer? {
            entries.withLock { entries in
                guard let entry = entries[id], entry.version == version, entry.kept.duration(to: .now) < maximumAge else { return nil }
                return entry.answer
            }
        }

        func keep(_ answer: Answer, for id: JobID, version: UInt64) {
            entries.withLock { entries in
                if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
                entries[id] = Entry(version: version, kept: .now, answer: answer)
            }
        }
    }
}

/// A response body's bytes, gathered by `CollectingWriter` (used by one task at a time).
private final class CollectedBody: @unchecked Sendable {
    var buffer = ByteBuffer()
}

private struct CollectingWriter: ResponseBodyWriter {
    let target: CollectedBody

    mutating func write(_ buffer: ByteBuffer) async throws {
        var buffer = buffer
        target.buffer.writeBuffer(&buffer)
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
