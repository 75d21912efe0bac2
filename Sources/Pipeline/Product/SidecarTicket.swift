import Foundation

/// A sidecar ticket: `NAME.json` dropped next to the artwork, carrying the order it belongs to.
/// `{"externalId": "ORD-1234", "product": {"trim": "85x55mm", "bleed": "3mm", "safety": "3mm", "pages": 2}}`
/// The ticket's product keys override the hot folder's (and the API job's) key by key.
public struct SidecarTicket: Sendable, Hashable, Codable {
    public var externalId: String?
    public var product: ProductSpec?
    /// Receives this job's events instead of the hot folder's callback_url.
    public var callbackUrl: String?
    /// The fix-ups for this file instead of the hot folder's (`[]` for none).
    public var fixups: [FixUpID]?

    public init(externalId: String? = nil, product: ProductSpec? = nil, callbackUrl: String? = nil, fixups: [FixUpID]? = nil) {
        self.fixups = fixups
        self.externalId = externalId
        self.product = product
        self.callbackUrl = callbackUrl
    }

    /// Parses ticket JSON; the error says what is wrong in words an operator can pass on.
    public static func parse(_ data: Data, fileName: String) throws(TicketError) -> SidecarTicket {
        let ticket: SidecarTicket
        do {
            ticket = try JSONDecoder().decode(SidecarTicket.self, from: data)
        } catch let DecodingError.dataCorrupted(context) {
            throw .invalid(fileName: fileName, reason: Self.describe(context))
        } catch let DecodingError.typeMismatch(_, context) {
            throw .invalid(fileName: fileName, reason: Self.describe(context))
        } catch {
            throw .invalid(fileName: fileName, reason: "it is not valid JSON")
        }
        if let fixups = ticket.fixups {
            do { _ = try FixUpID.parse(fixups.map(\.rawValue)) } catch { throw .invalid(fileName: fileName, reason: error.description) }
        }
        if let url = ticket.callbackUrl {
            guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""), parsed.host != nil else {
                throw .invalid(fileName: fileName, reason: "callbackUrl must be an http or https URL")
            }
        }
        return ticket
    }

    private static func describe(_ context: DecodingError.Context) -> String {
        let path = context.codingPath.map(\.stringValue).joined(separator: ".")
        let detail = context.underlyingError.map { _ in "it is not valid JSON" } ?? context.debugDescription
        return path.isEmpty ? detail : "\(path): \(detail)"
    }

    /// The ticket names that belong to artwork `name`: "card.pdf.json" and "card.json".
    public static func candidateNames(for name: String) -> [String] {
        let stem = (name as NSString).deletingPathExtension
        return [name + ".json", stem + ".json"].reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
    }

    public static func isTicketName(_ name: String) -> Bool { name.lowercased().hasSuffix(".json") }
}

public enum TicketError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalid(fileName: String, reason: String)
    case missing(fileName: String, waitedSeconds: Int)

    public var description: String {
        switch self {
        case .invalid(let name, let reason): "the ticket \(name) cannot be used: \(reason)"
        case .missing(let name, let seconds): "no ticket arrived for \(name) within \(seconds) s; this folder requires a ticket (NAME.json) with every file"
        }
    }
}
