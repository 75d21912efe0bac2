/// Whether the print-ready PDF carries the cut line for the cutter, and in which spot colour. Written
/// `none` or `{name: CutContour}` in configs, `"none"` or `{"name": "CutContour"}` in JSON.
public enum Dieline: Sendable, Hashable, Codable {
    case none
    case spot(name: String)

    /// The spot colour cutters and RIPs look for unless the order names another.
    public static let defaultName = "CutContour"
    /// The names a customer's own die-line is found under in a `custom` product's file, compared without case.
    public static let usualNames = ["CutContour", "Dieline", "Die", "Stanze", "Kiss-cut", "KissCut", "Thru-cut", "Cut"]

    private enum CodingKeys: String, CodingKey { case name }

    public init(from decoder: any Decoder) throws {
        if let text = try? decoder.singleValueContainer().decode(String.self) {
            guard text == "none" else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                        debugDescription: "dieline is \"none\" or {\"name\": \"CutContour\"}, not \"\(text)\""))
            }
            self = .none
            return
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let name = try container.decode(String.self, forKey: .name)
        guard let problem = Self.problem(withName: name) else {
            self = .spot(name: name)
            return
        }
        throw DecodingError.dataCorruptedError(forKey: .name, in: container, debugDescription: problem)
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .none:
            var container = encoder.singleValueContainer()
            try container.encode("none")
        case .spot(let name):
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
        }
    }

    /// Why a spot colour cannot be called `name`, in words; nil when it can.
    public static func problem(withName name: String) -> String? {
        guard (1...60).contains(name.count), name.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7f && !"()<>[]{}/%#".unicodeScalars.contains($0) }) else {
            return "a die-line's spot colour name has 1 to 60 printable ASCII characters without spaces or ()<>[]{}/%#, such as CutContour"
        }
        return nil
    }
}

extension ProductSpec {
    /// The spot colour the print-ready PDF draws the cut line in; nil when it draws none: a rectangle is cut
    /// at the TrimBox unless the order asks for a die-line, a custom shape brings its own, and `none` is none.
    public var dielineName: String? {
        switch dieline {
        case .none?: return nil
        case .spot(let name)?: return shape == .custom ? nil : name
        case nil:
            switch shape {
            case .roundedRectangle?, .circle?, .ellipse?: return Dieline.defaultName
            default: return nil
            }
        }
    }
}

extension ProductSpec {
    /// The spot colours a file's die-line is found under: the name the order gives first (a custom shape's
    /// own, or the one print-ready draws a shaped product's cut in), then the usual names.
    public var dielineSearchNames: [String] {
        guard case .spot(let name)? = dieline,
              !Dieline.usualNames.contains(where: { $0.caseInsensitiveCompare(name) == .orderedSame }) else { return Dieline.usualNames }
        return [name] + Dieline.usualNames
    }
}
