import Foundation

/// A sentence for people, named by its catalogue key with its parameters. The report's `message` is its
/// English rendering; the proof page renders it in the customer's language; integrators get `messageKey`
/// and `params` to translate it themselves. One catalogue entry per sentence, so the English text and the
/// translations cannot drift apart.
public struct Message: Sendable, Hashable, Codable {
    public var key: String
    public var params: [String: MessageParameter]

    public init(_ key: String, _ params: [String: MessageParameter] = [:]) {
        self.key = key
        self.params = params
    }

    /// The sentence in English, as reports, events and logs carry it.
    public var english: String { MessageCatalogue.english.render(self) }
}

/// One value put into a sentence. Numbers are written in the reader's form (0,5 in German); text is
/// shown as it is (font and colour names, taken from the file); terms are catalogue keys ("edge.left"),
/// each shown in the reader's language; a list is sentences of their own ("2 colours", "1 image").
///
/// In JSON a number is a number, text a string, terms an array of their keys and a list an array of
/// `{"key", "params"}`.
public enum MessageParameter: Sendable, Hashable, Codable, ExpressibleByIntegerLiteral, ExpressibleByStringLiteral {
    case number(Double)
    case text(String)
    case terms([String])
    case list([Message])

    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(stringLiteral value: String) { self = .text(value) }

    /// A length in millimetres, rounded to hundredths, from points.
    public static func mm(_ points: Double) -> MessageParameter { .number((points * 25.4 / 72 * 100).rounded() / 100) }

    public static func count(_ value: Int) -> MessageParameter { .number(Double(value)) }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let terms = try? container.decode([String].self) {
            self = .terms(terms)
        } else if let list = try? container.decode([Message].self) {
            self = .list(list)
        } else {
            self = .text(try container.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .number(let value):
            if value == value.rounded(), abs(value) < 1e15 { try container.encode(Int64(value)) } else { try container.encode(value) }
        case .text(let text): try container.encode(text)
        case .terms(let keys): try container.encode(keys)
        case .list(let messages): try container.encode(messages)
        }
    }
}
