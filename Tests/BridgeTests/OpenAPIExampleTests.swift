@testable import Bridge
import Foundation
import JobStore
import Testing

/// openapi.yaml shows an example of every request and every answer, and each JSON example is what the bridge
/// itself would accept or write: it decodes into the type generated from its schema.
@Suite struct OpenAPIExampleTests {
    typealias Schemas = Components.Schemas

    /// Read once: parsing the document costs more than all the checks.
    nonisolated(unsafe) static let specification = ScopeContractTests.specification

    /// Every content of every request body and response, paths and webhooks: (where, media type, content).
    static var contents: [(place: String, media: String, content: [String: Any])] {
        let specification = Self.specification
        let components = specification["components"] as? [String: Any] ?? [:]
        let sharedResponses = components["responses"] as? [String: [String: Any]] ?? [:]
        var found: [(String, String, [String: Any])] = []
        let items = (specification["paths"] as? [String: [String: Any]] ?? [:]).merging(specification["webhooks"] as? [String: [String: Any]] ?? [:]) { a, _ in a }
        for (path, item) in items {
            for method in ["get", "put", "post", "patch", "delete"] {
                guard let operation = item[method] as? [String: Any] else { continue }
                var bodies: [(String, [String: Any])] = []
                if let request = operation["requestBody"] as? [String: Any] { bodies.append(("request", request)) }
                for (code, response) in operation["responses"] as? [String: [String: Any]] ?? [:] {
                    let resolved = (response["$ref"] as? String).flatMap { sharedResponses[String($0.split(separator: "/").last ?? "")] } ?? response
                    bodies.append((code, resolved))
                }
                for (part, body) in bodies {
                    for (media, content) in body["content"] as? [String: [String: Any]] ?? [:] {
                        found.append(("\(method.uppercased()) \(path) \(part)", media, content))
                    }
                }
            }
        }
        return found
    }

    /// The examples of one content, `$ref`s into components/examples resolved.
    static func examples(of content: [String: Any]) -> [(name: String, value: Any)] {
        if let example = content["example"] { return [("example", example)] }
        let shared = (Self.specification["components"] as? [String: Any])?["examples"] as? [String: [String: Any]] ?? [:]
        return (content["examples"] as? [String: [String: Any]] ?? [:]).compactMap { name, example in
            let resolved = (example["$ref"] as? String).flatMap { shared[String($0.split(separator: "/").last ?? "")] } ?? example
            return resolved["value"].map { (name, $0) }
        }
    }

    /// The generated type of each schema an example is given for, decoding as the bridge decodes.
    static let decoders: [String: @Sendable (Data) throws -> Void] = [
        "Job": { _ = try decoder.decode(Schemas.Job.self, from: $0) },
        "JobPage": { _ = try decoder.decode(Schemas.JobPage.self, from: $0) },
        "Revision": { _ = try decoder.decode(Schemas.Revision.self, from: $0) },
        "RevisionList": { _ = try decoder.decode(Schemas.RevisionList.self, from: $0) },
        "JobRequest": { _ = try decoder.decode(Schemas.JobRequest.self, from: $0) },
        "Event": { _ = try decoder.decode(Schemas.Event.self, from: $0) },
        "EventList": { _ = try decoder.decode(Schemas.EventList.self, from: $0) },
        "PreflightReport": { _ = try decoder.decode(Schemas.PreflightReport.self, from: $0) },
        "ErrorBody": { _ = try decoder.decode(Schemas.ErrorBody.self, from: $0) },
        "Webhook": { _ = try decoder.decode(Schemas.Webhook.self, from: $0) },
        "WebhookRequest": { _ = try decoder.decode(Schemas.WebhookRequest.self, from: $0) },
        "WebhookUpdate": { _ = try decoder.decode(Schemas.WebhookUpdate.self, from: $0) },
        "WebhookDelivery": { _ = try decoder.decode(Schemas.WebhookDelivery.self, from: $0) },
        "Health": { _ = try decoder.decode(Schemas.Health.self, from: $0) },
        "ProductDefinition": { _ = try decoder.decode(Schemas.ProductDefinition.self, from: $0) },
    ]

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            try FlexibleDateTranscoder().decode(try decoder.singleValueContainer().decode(String.self))
        }
        return decoder
    }()

    @Test func everyRequestAndAnswerHasAnExample() {
        let contents = Self.contents
        #expect(contents.count > 150)
        for (place, media, content) in contents {
            #expect(!Self.examples(of: content).isEmpty, "\(place) \(media) has no example")
        }
    }

    @Test func everyJSONExampleIsWhatTheBridgeReadsAndWrites() throws {
        var decoded = 0
        for (place, media, content) in Self.contents where media == "application/json" {
            let schema = (content["schema"] as? [String: Any])?["$ref"] as? String
            for (name, value) in Self.examples(of: content) {
                let data = try JSONSerialization.data(withJSONObject: value)
                if let schema {
                    let type = String(schema.split(separator: "/").last ?? "")
                    let decode = try #require(Self.decoders[type], "no decoder for \(type) (\(place))")
                    #expect(throws: Never.self, "\(place) example \(name) does not decode as \(type)") { try decode(data) }
                    decoded += 1
                } else {
                    // Inline schemas (lists of webhooks and deliveries, the test answer): an object at least.
                    #expect(value is [String: Any], "\(place) example \(name) is not an object")
                }
            }
        }
        #expect(decoded > 50)
    }

    @Test func theListsInlineInTheSpecificationDecodeAsTheirItems() throws {
        let examples = (Self.specification["components"] as? [String: Any])?["examples"] as? [String: [String: Any]] ?? [:]
        let webhooks = try #require((examples["WebhookList"]?["value"] as? [String: Any])?["webhooks"])
        _ = try Self.decoder.decode([Schemas.Webhook].self, from: JSONSerialization.data(withJSONObject: webhooks))
        let products = try #require((examples["ProductList"]?["value"] as? [String: Any])?["products"])
        _ = try Self.decoder.decode([Schemas.ProductDefinition].self, from: JSONSerialization.data(withJSONObject: products))
        let deliveries = try #require((examples["DeliveryList"]?["value"] as? [String: Any])?["deliveries"])
        _ = try Self.decoder.decode([Schemas.WebhookDelivery].self, from: JSONSerialization.data(withJSONObject: deliveries))
    }
}
