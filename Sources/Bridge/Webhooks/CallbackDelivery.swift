import Foundation
import JobStore
import Logging
import ServiceLifecycle
import Synchronization

/// The callback service: plans deliveries from new events and sends those that are due, each endpoint one
/// at a time (so a job's events arrive in order), several endpoints at once. Slots go to endpoints, not to
/// the oldest rows, and an endpoint that keeps failing rests behind its circuit breaker, so a dead endpoint
/// delays nobody else. Runs in the agent's ServiceGroup; nothing here blocks the pipeline, which only
/// writes events.
public final class CallbackDelivery: Service {
    private let planner: DeliveryPlanner
    private let runner: DeliveryAttemptRunner
    private let store: any JobStore & DeliveryStore & WebhookStore
    private let concurrency: Int
    private let node: String
    private let lease: Duration
    private let logger: Logger
    private let busyEndpoints = Mutex(Set<String>())
    let circuit = EndpointCircuit()
    let pollInterval = Duration.milliseconds(200)

    public init(configuration: BridgeConfiguration, callbacks: CallbackConfiguration, store: any JobStore & DeliveryStore & WebhookStore,
                transport: CurlTransport? = nil, logger: Logger) throws(WebhookSecretError) {
        var logger = logger
        logger[metadataKey: "component"] = "callbacks"
        self.logger = logger
        self.store = store
        concurrency = callbacks.concurrency
        node = callbacks.node
        lease = callbacks.lease
        planner = DeliveryPlanner(configuration: configuration, store: store, logger: logger)
        runner = DeliveryAttemptRunner(callbacks: callbacks, signature: try WebhookSignature(secret: callbacks.secret),
                                       transport: transport ?? CurlTransport(policy: configuration.callbackHosts), store: store, logger: logger)
    }

    public func run() async throws {
        try await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.planContinuously() }
                group.addTask { await self.sendContinuously() }
            }
        }
    }

    private func planContinuously() async {
        while !Task.isCancelled {
            do {
                if try await planner.planNextBatch() == 0 { try await Task.sleep(for: pollInterval) }
            } catch is CancellationError {
                return
            } catch {
                logger.error("cannot plan callbacks; retrying", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    private func sendContinuously() async {
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled {
                do {
                    let free = concurrency - busyEndpoints.withLock { $0.count }
                    if free > 0 {
                        let busy = busyEndpoints.withLock { $0 }
                        // Busy and resting endpoints are skipped in the query's answer, so read past them.
                        let endpoints = try await store.dueEndpoints(at: Date(), limit: busy.count + free + 100)
                        for endpoint in endpoints where !busy.contains(endpoint) && circuit.admits(endpoint) && startIfIdle(endpoint) {
                            group.addTask { await self.drain(endpoint) }
                            if busyEndpoints.withLock({ $0.count }) >= concurrency { break }
                        }
                    }
                    try await Task.sleep(for: .milliseconds(50))
                } catch is CancellationError {
                    return
                } catch {
                    logger.error("cannot read due callbacks; retrying", metadata: ["error": "\(error)"])
                    try? await Task.sleep(for: .seconds(1))
                }
            }
        }
    }

    /// Sends what is due for `endpoint`, back to back, until nothing is or its circuit opens, and frees it.
    private func drain(_ endpoint: String) async {
        defer { busyEndpoints.withLock { _ = $0.remove(endpoint) } }
        while !Task.isCancelled, circuit.admits(endpoint), let delivery = try? await store.takeDueDelivery(at: Date(), endpoint: endpoint, holder: node, lease: lease) {
            switch await runner.attempt(delivery) {
            case .delivered: circuit.recordSuccess(endpoint)
            case .retry, .dead:
                if circuit.recordFailure(endpoint) {
                    logger.warning("endpoint keeps failing; its deliveries wait while it rests",
                                   metadata: ["endpoint": "\(endpoint)", "threshold": "\(circuit.threshold)"])
                }
            case .refused, nil: break
            }
        }
    }

    /// Marks the endpoint busy unless an attempt to it is running already.
    private func startIfIdle(_ endpoint: String) -> Bool {
        busyEndpoints.withLock { $0.insert(endpoint).inserted }
    }
}
