import Foundation
import JobStore
import Logging
import Metrics

/// Makes one attempt of a delivery: signs it, posts it, and decides what comes next from the answer.
struct DeliveryAttemptRunner: Sendable {
    let callbacks: CallbackConfiguration
    /// Signs deliveries to jobs' callback URLs; subscriptions have secrets of their own.
    let signature: WebhookSignature
    let transport: CurlTransport
    let store: any DeliveryStore & WebhookStore
    let logger: Logger

    /// Makes the attempt and returns its outcome (nil when nothing was sent).
    @discardableResult
    func attempt(_ delivery: Delivery) async -> DeliveryOutcome? {
        var signatures = [self.signature]
        if let id = delivery.subscription {
            guard let webhook = try? await store.webhook(id), webhook.disabledAt == nil,
                  let own = try? webhook.signingSecrets().map({ secret throws(WebhookSecretError) in try WebhookSignature(secret: secret) }) else {
                try? await store.record(DeliveryAttempt(deliveryId: delivery.id, number: delivery.attempts + 1, at: Date(), httpStatus: nil,
                                                        durationMs: 0, error: "the subscription is gone or disabled"),
                                        outcome: .dead, error: "the subscription is gone or disabled")
                return nil
            }
            signatures = own
        }
        let number = delivery.attempts + 1
        let started = Date()
        let timestamp = Int64(started.timeIntervalSince1970)
        let request = CurlTransport.Request(url: delivery.endpoint, headers: [
            ("Content-Type", "application/json"),
            ("webhook-id", delivery.eventId),
            ("webhook-timestamp", String(timestamp)),
            // Several signatures, space-separated, while a rotated secret overlaps (Standard Webhooks).
            ("webhook-signature", signatures.map { $0.signature(id: delivery.eventId, timestamp: timestamp, body: delivery.body) }
                .joined(separator: " ")),
        ], body: delivery.body)
        let clock = ContinuousClock.now
        var status: Int?
        var retryAfter: TimeInterval?
        var problem: String?
        var refused = false
        do {
            let response = try await transport.post(request)
            status = response.status
            retryAfter = response.headers["retry-after"].flatMap(Self.seconds(fromRetryAfter:))
            // The status only: an answer's body is the receiver's, and may hold what the log must not show.
            if !(200..<300).contains(response.status) { problem = "HTTP \(response.status)" }
        } catch {
            problem = error.description
            if case .forbiddenAddress = error { refused = true }
        }
        let elapsed = clock.duration(to: .now)
        let outcome = refused ? .refused
            : decide(number: number - delivery.scheduleStart, status: status, retryAfter: retryAfter, now: Date())
        let attempt = DeliveryAttempt(deliveryId: delivery.id, number: number, at: started, httpStatus: status,
                                      durationMs: Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000),
                                      error: problem)
        var metadata: Logger.Metadata = ["job": "\(delivery.jobId)", "event": "\(delivery.eventId)", "endpoint": "\(delivery.endpoint)",
                                         "attempt": "\(number)", "status": "\(status.map(String.init) ?? "-")"]
        if let problem { metadata["error"] = "\(problem)" }
        if status == 410, let id = delivery.subscription {
            logger.warning("webhook endpoint answered 410 Gone; subscription disabled", metadata: metadata.merging(["webhook": "\(id)"]) { $1 })
            try? await store.disableWebhook(id, reason: "the endpoint answered 410 Gone at \(started)")
        }
        Counter(label: "hotfolder_webhook_attempts_total", dimensions: [("result", outcome == .delivered ? "ok" : "failed")]).increment()
        switch outcome {
        case .delivered: logger.info("callback delivered", metadata: metadata)
        case .retry(let at): logger.warning("callback failed; will retry", metadata: metadata.merging(["retry_at": "\(at)"]) { $1 })
        case .dead: logger.error("callback given up; it can be redelivered", metadata: metadata)
        case .refused: logger.error("callback refused: its address is not allowed; list its network in callbacks.allowed_networks and redeliver",
                                    metadata: metadata)
        }
        do {
            try await store.record(attempt, outcome: outcome, error: problem)
        } catch {
            // Not recorded: the delivery stays due and is attempted again; receivers dedupe by webhook-id.
            logger.error("cannot record a callback attempt", metadata: ["delivery": "\(delivery.id)", "error": "\(error)"])
        }
        return outcome
    }

    /// 2xx delivered; 410 dead (the endpoint asks for no more); otherwise the next step of the schedule,
    /// never sooner than Retry-After, dead after the last. `number` counts from the start of the current
    /// schedule (a redelivery starts a fresh one).
    func decide(number: Int, status: Int?, retryAfter: TimeInterval?, now: Date) -> DeliveryOutcome {
        if let status, (200..<300).contains(status) { return .delivered }
        if status == 410 { return .dead }
        guard number < callbacks.retrySchedule.count else { return .dead }
        let jittered = callbacks.retrySchedule[number].seconds * Double.random(in: 0.9...1.1)
        return .retry(at: now.addingTimeInterval(max(jittered, min(retryAfter ?? 0, 86400))))
    }

    /// Retry-After as seconds, from either of its forms (delta seconds or an HTTP date).
    static func seconds(fromRetryAfter value: String) -> TimeInterval? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Int(trimmed) { return TimeInterval(max(0, seconds)) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: trimmed).map { max(0, $0.timeIntervalSinceNow) }
    }
}
