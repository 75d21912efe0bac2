import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// The callback service: plans deliveries from new events and sends those that are due, each endpoint one
/// at a time (so a job's events arrive in order and a dead endpoint delays nobody else), several endpoints
/// at once. Runs in the agent's ServiceGroup; nothing here blocks the pipeline, which only writes events.
public final class CallbackDelivery: Service {
    private let planner: DeliveryPlanner
    private let runner: DeliveryAttemptRunner
    private let store: any JobStore & DeliveryStore & WebhookStore
    private let concurrency: Int
    private let logger: Logger
    private let busyEndpoints = Mutex(Set<String>())
    let pollInterval = Duration.milliseconds(200)

    public init(configuration: BridgeConfiguration, callbacks: CallbackConfiguration, store: any JobStore & DeliveryStore & WebhookStore,
                transport: CurlTransport = CurlTransport(), logger: Logger) throws(WebhookSecretError) {
        var logger = logger
        logger[metadataKey: "component"] = "callbacks"
        self.logger = logger
        self.store = store
        concurrency = callbacks.concurrency
        planner = DeliveryPlanner(configuration: configuration, store: store, logger: logger)
        runner = DeliveryAttemptRunner(callbacks: callbacks, signature: try WebhookSignature(secret: callbacks.secret),
                                       transport: transport, store: store, logger: logger)
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
                        for delivery in try await store.dueDeliveries(at: Date(), limit: 100) where startIfIdle(delivery.endpoint) {
                            group.addTask { await self.drain(delivery) }
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

    /// Sends `first`, then whatever else is due for its endpoint, back to back, and frees the endpoint.
    private func drain(_ first: Delivery) async {
        var next: Delivery? = first
        while let delivery = next, !Task.isCancelled {
            await runner.attempt(delivery)
            next = try? await store.dueDelivery(at: Date(), endpoint: delivery.endpoint)
        }
        busyEndpoints.withLock { _ = $0.remove(first.endpoint) }
    }

    /// Marks the endpoint busy unless an attempt to it is running already.
    private func startIfIdle(_ endpoint: String) -> Bool {
        busyEndpoints.withLock { $0.insert(endpoint).inserted }
    }
}
