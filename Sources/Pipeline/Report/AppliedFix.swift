/// One change a fix-up made to the artwork, as the report lists it (`fixes`): which fix-up, on which page
/// (nil for the whole file), in words for people, and what was there before and after.
public struct AppliedFix: Sendable, Hashable, Codable {
    /// The fix-up's id ("bleed.mirror").
    public var id: String
    public var page: Int?
    /// "Bleed added by mirroring the edges, 3 mm on every side".
    public var message: String
    public var before: String?
    public var after: String?

    public init(_ id: FixUpID, page: Int? = nil, _ message: String, before: String? = nil, after: String? = nil) {
        self.id = id.rawValue
        self.page = page
        self.message = message
        self.before = before
        self.after = after
    }
}

extension AppliedFix {
    private enum CodingKeys: String, CodingKey { case id, page, message, before, after }

    /// Every key always present (null when empty), as findings are written.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(page, forKey: .page)
        try container.encode(message, forKey: .message)
        try container.encode(before, forKey: .before)
        try container.encode(after, forKey: .after)
    }
}
