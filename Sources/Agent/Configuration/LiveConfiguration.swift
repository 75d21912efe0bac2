import Synchronization

/// The configuration in force. A reload (SIGHUP) replaces it; whoever starts something new (a job's run, a
/// watcher) reads it then, and keeps that copy until it is done, so a change never lands mid-stage.
final class LiveConfiguration: Sendable {
    private let value: Mutex<AgentConfiguration>

    init(_ configuration: AgentConfiguration) {
        value = Mutex(configuration)
    }

    var current: AgentConfiguration { value.withLock { $0 } }

    func replace(with configuration: AgentConfiguration) { value.withLock { $0 = configuration } }
}
