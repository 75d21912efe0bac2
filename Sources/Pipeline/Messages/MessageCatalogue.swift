import Foundation

/// The sentences of one language: findings, fix-ups, the proof and the proof page. Each language is one
/// file (`MessageCatalogue+de.swift`); a test holds every catalogue to the English one, key by key and
/// placeholder by placeholder.
///
/// A template names its parameters in braces ("Page {page} has {count} character(s)"). A key missing from
/// a translation falls back to English, a key missing from English shows as itself: neither ever happens
/// in a build that passed its tests.
public struct MessageCatalogue: Sendable {
    /// The language's BCP 47 primary subtag ("de").
    public let language: String
    /// The language's own name ("Deutsch").
    public let name: String
    let decimalSeparator: String
    let templates: [String: String]

    init(language: String, name: String, decimalSeparator: String, templates: [String: String]) {
        self.language = language
        self.name = name
        self.decimalSeparator = decimalSeparator
        self.templates = templates
    }

    /// Every language there is a catalogue for, English first.
    public static let all: [MessageCatalogue] = [.english, .german, .french, .spanish, .italian, .dutch]

    public var keys: [String] { templates.keys.sorted() }

    /// The raw template of `key` (with its {placeholders}), for the catalogue tests.
    public func template(_ key: String) -> String? { templates[key] }

    /// The catalogue for the first of `tags` (BCP 47, best first) whose language there is one for: "de-CH"
    /// is German, "pt-BR" is none. Nil when none matches.
    public static func matching(_ tags: [String]) -> MessageCatalogue? {
        for tag in tags {
            let primary = tag.split(whereSeparator: { $0 == "-" || $0 == "_" }).first.map { $0.lowercased() } ?? ""
            if let catalogue = all.first(where: { $0.language == primary }) { return catalogue }
        }
        return nil
    }

    /// The language tags of an Accept-Language header, most wanted first ("de-CH, fr;q=0.8, *;q=0.1").
    public static func tags(fromAcceptLanguage header: String) -> [String] {
        let weighted = header.split(separator: ",").enumerated().compactMap { index, item -> (tag: String, q: Double, index: Int)? in
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = parts.first, !tag.isEmpty, tag != "*" else { return nil }
            let q = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            return q > 0 ? (tag, q, index) : nil
        }
        return weighted.sorted { $0.q != $1.q ? $0.q > $1.q : $0.index < $1.index }.map(\.tag)
    }

    public func render(_ message: Message) -> String { render(message.key, message.params) }

    /// The sentence of `key` with `params` put in, in this language.
    public func render(_ key: String, _ params: [String: MessageParameter] = [:]) -> String {
        guard let template = templates[key] ?? MessageCatalogue.english.templates[key] else { return key }
        var result = ""
        var rest = template[...]
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            result += rest[..<open]
            let name = String(rest[rest.index(after: open)..<close])
            result += params[name].map(format) ?? "{\(name)}"
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }

    /// A number as this language writes it: at most two decimals, none when whole.
    public func format(_ number: Double) -> String {
        let value = (number * 100).rounded() / 100
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        var text = String(format: "%.2f", value)
        while text.hasSuffix("0") { text.removeLast() }
        return text.replacingOccurrences(of: ".", with: decimalSeparator)
    }

    private func format(_ parameter: MessageParameter) -> String {
        switch parameter {
        case .number(let value): format(value)
        case .text(let text): text
        case .terms(let keys): keys.map { render($0) }.joined(separator: ", ")
        case .list(let messages): messages.map(render).joined(separator: ", ")
        }
    }

    /// The placeholders a template names, for the catalogue tests.
    public static func placeholders(in template: String) -> Set<String> {
        var names: Set<String> = []
        var rest = template[...]
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            names.insert(String(rest[rest.index(after: open)..<close]))
            rest = rest[rest.index(after: close)...]
        }
        return names
    }
}
