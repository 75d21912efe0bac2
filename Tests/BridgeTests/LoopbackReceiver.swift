import Foundation
import HTTPTypes
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization

/// A real HTTP endpoint on loopback that records what it receives and answers as told: an ERP's callback
/// receiver, for delivery tests.
final class LoopbackReceiver: Sendable {
    struct Received: Sendable {
        var path: String
        var headers: [String: String]
        var body: Data
    }

    /// What to answer next: status, extra headers, and a delay before answering.
    struct Answer: Sendable {
        var status: HTTPResponse.Status = .ok
        var headers: HTTPFields = [:]
        var delay: Duration = .zero
    }

    /// What arrived and what to answer, shared with the route.
    final class Recorder: Sendable {
        let state = Mutex<(received: [Received], answers: [Answer])>(([], []))
    }

    private let recorder: Recorder
    let port: Int
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    private init(recorder: Recorder, port: Int, group: ServiceGroup, task: Task<Void, any Error>) {
        self.recorder = recorder
        self.port = port
        self.group = group
        self.task = task
    }

    static func start() async throws -> LoopbackReceiver {
        let receiver = Recorder()
        let router = Router()
        router.post("**") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 10 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let answer = receiver.state.withLock { state -> Answer in
                state.received.append(Received(path: request.uri.path, headers: headers, body: Data(buffer: body)))
                return state.answers.isEmpty ? Answer() : state.answers.removeFirst()
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

    var url: String { "http://127.0.0.1:\(port)/hook" }
    var received: [Received] { recorder.state.withLock { $0.received } }
    func answerNext(_ answers: Answer...) { recorder.state.withLock { $0.answers += answers } }

    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }
}
