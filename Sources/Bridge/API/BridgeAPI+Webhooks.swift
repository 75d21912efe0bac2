import Foundation
import JobStore

extension BridgeAPI {
    func createWebhook(_ input: Operations.CreateWebhook.Input) async throws -> Operations.CreateWebhook.Output {
        guard case .json(let request) = input.body else { throw APIError(.badRequest, "send the subscription as JSON") }
        if request.url.count > 2000 { throw APIError.invalid("url", "url has at most 2000 characters") }
        if let refusal = configuration.callbackHosts.refusal(for: request.url) {
            throw APIError.invalid("url", "url cannot be used: \(refusal)")
        }
        try Self.validate(events: request.events)
        if let description = request.description, description.count > 500 {
            throw APIError.invalid("description", "description has at most 500 characters")
        }
        let webhook = WebhookSubscription(id: WebhookSubscription.newID(), url: request.url, events: request.events,
                                          description: request.description, secret: WebhookSignature.generateSecret(), createdAt: Date())
        try await store.createWebhook(webhook)
        logger.info("webhook subscription created", metadata: ["webhook": "\(webhook.id)", "url": "\(webhook.url)",
                                                              "requestId": "\(RequestScope.requestId)"])
        return .created(.init(body: .json(Self.view(of: webhook, withSecret: true))))
    }

    func listWebhooks(_ input: Operations.ListWebhooks.Input) async throws -> Operations.ListWebhooks.Output {
        .ok(.init(body: .json(.init(webhooks: try await store.webhooks().map { Self.view(of: $0, withSecret: false) }))))
    }

    func getWebhook(_ input: Operations.GetWebhook.Input) async throws -> Operations.GetWebhook.Output {
        .ok(.init(body: .json(Self.view(of: try await existingWebhook(input.path.webhookId), withSecret: false))))
    }

    func updateWebhook(_ input: Operations.UpdateWebhook.Input) async throws -> Operations.UpdateWebhook.Output {
        guard case .json(let request) = input.body else { throw APIError(.badRequest, "send the changes as JSON") }
        var webhook = try await existingWebhook(input.path.webhookId)
        if let url = request.url {
            if url.count > 2000 { throw APIError.invalid("url", "url has at most 2000 characters") }
            if let refusal = configuration.callbackHosts.refusal(for: url) { throw APIError.invalid("url", "url cannot be used: \(refusal)") }
            webhook.url = url
        }
        if let events = request.events {
            try Self.validate(events: events)
            webhook.events = events
        }
        if let description = request.description {
            if description.count > 500 { throw APIError.invalid("description", "description has at most 500 characters") }
            webhook.description = description.isEmpty ? nil : description
        }
        switch request.enabled {
        case true?: webhook.disabledAt = nil; webhook.disabledReason = nil
        case false? where webhook.disabledAt == nil: webhook.disabledAt = Date(); webhook.disabledReason = "disabled through the API by token \(callerName)"
        default: break
        }
        // Checked whether or not the secret rotates now: a value out of range is a mistake either way.
        if let overlap = request.secretOverlapSeconds, !(0...604_800).contains(overlap) {
            throw APIError.invalid("secretOverlapSeconds", "secretOverlapSeconds is 0 to 604800 (7 days)")
        }
        let rotated = request.rotateSecret == true
        if rotated {
            let overlap = request.secretOverlapSeconds ?? 86400
            webhook.previousSecret = overlap > 0 ? webhook.secret : nil
            webhook.previousSecretUntil = overlap > 0 ? Date().addingTimeInterval(TimeInterval(overlap)) : nil
            webhook.secret = WebhookSignature.generateSecret()
        }
        try await store.updateWebhook(webhook)
        logger.info("webhook subscription updated", metadata: ["webhook": "\(webhook.id)", "rotated": "\(rotated)",
                                                              "enabled": "\(webhook.disabledAt == nil)", "requestId": "\(RequestScope.requestId)"])
        return .ok(.init(body: .json(Self.view(of: webhook, withSecret: rotated))))
    }

    func deleteWebhook(_ input: Operations.DeleteWebhook.Input) async throws -> Operations.DeleteWebhook.Output {
        guard try await store.deleteWebhook(input.path.webhookId) else { throw Self.noWebhook(input.path.webhookId) }
        return .noContent(.init())
    }

    func listWebhookDeliveries(_ input: Operations.ListWebhookDeliveries.Input) async throws -> Operations.ListWebhookDeliveries.Output {
        let webhook = try await existingWebhook(input.path.webhookId)
        let limit = input.query.limit ?? 50
        guard (1...200).contains(limit) else { throw APIError.invalid("limit", "limit must be between 1 and 200") }
        var views: [Components.Schemas.WebhookDelivery] = []
        for delivery in try await store.deliveries(ofWebhook: webhook.id, limit: limit) {
            views.append(Self.view(of: delivery, attempts: try await store.attempts(of: delivery.id)))
        }
        return .ok(.init(body: .json(.init(deliveries: views))))
    }

    func redeliverWebhookDelivery(_ input: Operations.RedeliverWebhookDelivery.Input) async throws -> Operations.RedeliverWebhookDelivery.Output {
        let webhook = try await existingWebhook(input.path.webhookId)
        guard let delivery = try await store.delivery(input.path.deliveryId), delivery.subscription == webhook.id else {
            throw APIError(.notFound, "webhook \(webhook.id) has no delivery \(input.path.deliveryId)")
        }
        guard try await store.redeliver(delivery.id, ofWebhook: webhook.id) else {
            throw APIError(.conflict, "delivery \(delivery.id) is still pending; it is sent at its next attempt")
        }
        let queued = try await store.delivery(delivery.id) ?? delivery
        return .accepted(.init(body: .json(Self.view(of: queued, attempts: try await store.attempts(of: delivery.id)))))
    }

    func testWebhook(_ input: Operations.TestWebhook.Input) async throws -> Operations.TestWebhook.Output {
        let webhook = try await existingWebhook(input.path.webhookId)
        let id = "evt_test_" + ULID.generate().description
        let body = Data(#"{"createdAt":"\#(try FlexibleDateTranscoder().encode(Date()))","data":{"webhookId":"\#(webhook.id)"},"id":"\#(id)","type":"webhook.test"}"#.utf8)
        let timestamp = Int64(Date().timeIntervalSince1970)
        let signature = try WebhookSignature(secret: webhook.secret).signature(id: id, timestamp: timestamp, body: body)
        let started = ContinuousClock.now
        var status: Int?
        var problem: String?
        do {
            let response = try await CurlTransport(policy: configuration.callbackHosts).post(.init(url: webhook.url, headers: [
                ("Content-Type", "application/json"), ("webhook-id", id), ("webhook-timestamp", String(timestamp)),
                ("webhook-signature", signature),
            ], body: body))
            status = response.status
            if !(200..<300).contains(response.status) { problem = "HTTP \(response.status)" }
        } catch {
            problem = error.description
        }
        let elapsed = started.duration(to: .now)
        return .ok(.init(body: .json(.init(delivered: problem == nil, httpStatus: status,
                                           durationMs: Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000),
                                           error: problem))))
    }

    private static func validate(events: [String]) throws {
        let known = Set(Components.Schemas.Event._TypePayload.allCases.map(\.rawValue).filter { $0.hasPrefix("job.") } + ["job.*"])
        guard (1...20).contains(events.count) else { throw APIError.invalid("events", "give 1 to 20 event types, or [\"job.*\"]") }
        if let unknown = events.first(where: { !known.contains($0) }) {
            throw APIError.invalid("events", "unknown event type '\(unknown)'; use job.* or one of " + known.sorted().joined(separator: ", "))
        }
    }

    private func existingWebhook(_ id: String) async throws -> WebhookSubscription {
        guard let webhook = try await store.webhook(id) else { throw Self.noWebhook(id) }
        return webhook
    }

    private static func noWebhook(_ id: String) -> APIError { APIError(.notFound, "there is no webhook subscription \(id)") }

    static func view(of webhook: WebhookSubscription, withSecret: Bool) -> Components.Schemas.Webhook {
        .init(id: webhook.id, url: webhook.url, events: webhook.events, description: webhook.description,
              secret: withSecret ? webhook.secret : nil, createdAt: webhook.createdAt, disabledAt: webhook.disabledAt,
              disabledReason: webhook.disabledReason)
    }

    static func view(of delivery: Delivery, attempts: [DeliveryAttempt]) -> Components.Schemas.WebhookDelivery {
        .init(id: delivery.id, eventId: delivery.eventId, jobId: delivery.jobId.rawValue,
              status: .init(rawValue: delivery.status.rawValue) ?? .dead,
              nextAttemptAt: delivery.status == .pending ? delivery.nextAttemptAt : nil, createdAt: delivery.createdAt,
              finishedAt: delivery.finishedAt,
              attempts: attempts.map { .init(number: $0.number, at: $0.at, httpStatus: $0.httpStatus, durationMs: $0.durationMs, error: $0.error) })
    }
}
