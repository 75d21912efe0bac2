/// The fix-ups the agent can make, by their stable ids: a contract shared by the hot folder config
/// (`fixups:`), sidecar tickets and API jobs (`"fixups": [...]`), the CLI (`--fix ID`) and the report's
/// `fixes`.
public enum FixUpID: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// A page without TrimBox or ArtBox that is the ordered trim (plus bleed) gets its boxes.
    case trimInfer = "trim.infer"
    /// Artwork in the ordered proportions but another size is scaled (and turned) to the trim.
    case sizeFit = "size.fit"
    /// Missing bleed made by mirroring the page's own edges outwards.
    case bleedMirror = "bleed.mirror"
    /// Missing bleed made by enlarging the page about its centre.
    case bleedScale = "bleed.scale"
    /// RGB and Lab converted to CMYK through the output profile.
    case colorCMYK = "color.cmyk"
    /// A GTS_PDFX output intent with the output profile added where the file has none.
    case pdfxOutputIntent = "pdfx.output_intent"

    /// The order they run in, whatever order they were listed in: the trim is known before the size is
    /// judged, the size before the bleed is measured, and the output intent carries the profile the colour
    /// was converted with.
    public static let runningOrder: [FixUpID] = [.trimInfer, .sizeFit, .bleedMirror, .bleedScale, .colorCMYK, .pdfxOutputIntent]

    public var description: String { rawValue }

    /// The fix-ups named in `names`, or the first unknown name as the error.
    public static func parse(_ names: [String]) throws(FixUpError) -> [FixUpID] {
        var chosen: [FixUpID] = []
        for name in names {
            guard let id = FixUpID(rawValue: name.trimmingCharacters(in: .whitespaces)) else { throw .unknown(name) }
            if !chosen.contains(id) { chosen.append(id) }
        }
        if chosen.contains(.bleedMirror) && chosen.contains(.bleedScale) { throw .bothBleedFixUps }
        return chosen
    }
}

/// Why fix-ups cannot be chosen or made, in words for the person who chose them.
public enum FixUpError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknown(String)
    case bothBleedFixUps
    /// The output profile is missing, unreadable or not a CMYK output profile.
    case badProfile(String)
    /// The file cannot be opened: nothing to fix, and preflight says why.
    case unreadable(String)
    /// The fixed copy could not be written.
    case pdf(String)

    public var description: String {
        switch self {
        case .unknown(let name):
            "unknown fix-up '\(name)'; one of \(FixUpID.allCases.map(\.rawValue).joined(separator: ", "))"
        case .bothBleedFixUps:
            "choose one of bleed.mirror and bleed.scale: both make the missing bleed"
        case .badProfile(let why): why
        case .unreadable(let why), .pdf(let why): why
        }
    }
}

extension FixUpID {
    /// Decoded with the words an operator needs when a ticket or config names an unknown one.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let name = try container.decode(String.self)
        guard let id = FixUpID(rawValue: name) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: FixUpError.unknown(name).description)
        }
        self = id
    }
}
