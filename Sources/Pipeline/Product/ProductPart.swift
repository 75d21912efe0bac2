/// One file of a product made of several: a business card's `front` and `back`, a book's `cover` and
/// `interior`. Each part is checked against its product with the keys it sets itself taken over (a cover's
/// own trim, an interior's page range), arrives as a file of its own, and is proofed and made print-ready
/// on its own; the job ends when every part is there and done.
///
/// Spelled flat in configs and JSON: `{name: cover, trim: 430x303mm}`.
public struct ProductPart: Sendable, Hashable, Codable {
    /// Lower-case letters, digits, `-` and `_`: the name appears in file names, paths and URLs.
    public var name: String
    /// The product keys this part sets over its product's; the rest are the product's.
    public var spec: ProductSpec

    public init(name: String, spec: ProductSpec = ProductSpec()) {
        self.name = name
        self.spec = spec
    }

    private enum CodingKeys: String, CodingKey { case name }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        if let problem = Self.problem(withName: name) {
            throw DecodingError.dataCorruptedError(forKey: .name, in: container, debugDescription: problem)
        }
        spec = try ProductSpec(from: decoder)
        // A part is a file; parts of parts mean nothing.
        spec.parts = nil
        spec.output = nil
        spec.id = nil
    }

    public func encode(to encoder: any Encoder) throws {
        try spec.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
    }

    /// What is wrong with `name` as a part's name, in words; nil when it is fine.
    public static func problem(withName name: String) -> String? {
        let allowed = name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }
        guard !name.isEmpty, name.count <= 40, allowed, name.first != "-", name.first != "_" else {
            return "a part's name is 1 to 40 lower-case letters, digits, '-' and '_' (such as front, back, cover), not \"\(name)\""
        }
        return nil
    }
}

/// How the print-ready files of a product with parts are delivered.
public enum PartsOutput: String, Sendable, Hashable, Codable, CaseIterable {
    /// One PDF with every part's pages, in the product's order of parts.
    case combined
    /// One PDF per part, named after it.
    case separate
}

extension ProductSpec {
    /// Whether the product is made of several files.
    public var hasParts: Bool { !(parts ?? []).isEmpty }

    /// The parts' names in the product's order; empty for a product of one file.
    public var partNames: [String] { (parts ?? []).map(\.name) }

    /// What part `name` is checked against: the product with the part's own keys taken over. nil when the
    /// product has no such part.
    public func spec(ofPart name: String) -> ProductSpec? {
        guard let part = parts?.first(where: { $0.name == name }) else { return nil }
        var spec = overridden(by: part.spec)
        spec.id = id
        spec.parts = nil
        spec.output = nil
        return spec
    }

    /// What is wrong with the product's parts, in words; nil when they are fine (or there are none).
    public var partsProblem: String? {
        guard let parts else { return nil }
        if parts.isEmpty { return "'parts' lists no part; leave it out for a product of one file" }
        var seen = Set<String>()
        for part in parts {
            if let problem = ProductPart.problem(withName: part.name) { return problem }
            guard seen.insert(part.name).inserted else { return "the part '\(part.name)' is listed twice" }
            if let problem = spec(ofPart: part.name)?.shapeProblem { return "part '\(part.name)': \(problem)" }
        }
        return nil
    }
}
