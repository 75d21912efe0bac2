import Foundation
import HTTPTypes
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization

/// A real HTTP endpoint on loopback that records what it receives and answers as told: an ERP's callback
/// receiver, for delivery tests.
public final class LoopbackReceiver: Sendable {
    public struct Received: Sendable {
        public var path: String
        public var headers: [String: String]
        public var body: Data
        /// The status it was answered with.
        public var answeredWith: Int
    }

    /// What to answer next: status, extra headers, and a delay before answering.
    public struct Answer: Sendable {
        public var status: HTTPResponse.Status
        public var headers: HTTPFields
        public var delay: Duration

        public init(status: HTTPResponse.Status = .ok, headers: HTTPFields = [:], delay: Duration = .zero) {
            self.status = status
            self.headers = headers
            self.delay = delay
        }
    }

    /// What arrived and what to answer, shared with the route.
    final class Recorder: Sendable {
        let state = Mutex<(received: [Received], answers: [Answer], otherwise: Answer)>(([], [], Answer()))
    }

    private let recorder: Recorder
    public let port: Int
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    private init(recorder: Recorder, port: Int, group: ServiceGroup, task: Task<Void, any Error>) {
        self.recorder = recorder
        self.port = port
        self.group = group
        self.task = task
    }

    public static func start() async throws -> LoopbackReceiver {
        let receiver = Recorder()
        let router = Router()
        router.post("**") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 10 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let answer = receiver.state.withLock { state -> Answer in
                let answer = state.answers.isEmpty ? state.otherwise : state.answers.removeFirst()
                state.received.append(Received(path: request.uri.path, headers: headers, body: Data(buffer: body),
                                               answeredWith: Int(answer.status.code)))
                return answer
            }
            if answer.delay > .zero { try await Task.sleep(for: answer.delay) }
            return Response(status: answer.status, headers: answer.headers, body: .init(byteBuffer: ByteBuffer(string: "answer \(answer.status.code)")))
        }
        var logger = Logger(label: "receiver")
        logger.logLevel = .error
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let application = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                                      onServerRunning: { continuation.yield($0.localAddress?.port ?? 0); continuation.finish() },
                                      logger: logger)
        let group = ServiceGroup(services: [application], logger: logger)
        let task = Task { try await group.run() }
        var port = 0
        for await bound in ports { port = bound }
        return LoopbackReceiver(recorder: receiver, port: port, group: group, task: task)
    }

    public var url: String { "http://127.0.0.1:\(port)/hook" }
    public var received: [Received] { recorder.state.withLock { $0.received } }
    public func answerNext(_ answers: Answer...) { recorder.state.withLock { $0.answers += answers } }
    /// The answer once those queued by `answerNext` are used up (200 unless changed).
    public func answerOtherwise(_ answer: Answer) { recorder.state.withLock { $0.otherwise = answer } }

    public func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }
}
