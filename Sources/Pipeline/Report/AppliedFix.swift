/// One change a fix-up made to the artwork, as the report lists it (`fixes`): which fix-up, on which page
/// (nil for the whole file), in words for people, and what was there before and after.
public struct AppliedFix: Sendable, Hashable, Codable {
    /// The fix-up's id ("bleed.mirror").
    public var id: String
    public var page: Int?
    /// "Bleed added by mirroring the edges, 3 mm on every side", in English.
    public var message: String
    /// The catalogue key of `message` and its values, for translating it (as findings carry them).
    public var messageKey: String?
    public var params: [String: MessageParameter]?
    public var before: String?
    public var after: String?
    /// The part of a multi-part job whose file was changed; nil for a job of one file.
    public var part: String?

    public init(_ id: FixUpID, page: Int? = nil, _ message: Message, before: String? = nil, after: String? = nil) {
        self.id = id.rawValue
        self.page = page
        self.message = message.english
        self.messageKey = message.key
        self.params = message.params
        self.before = before
        self.after = after
    }

    /// The sentence in `catalogue`'s language; the English message when the fix has no key.
    public func message(in catalogue: MessageCatalogue) -> String {
        messageKey.map { catalogue.render($0, params ?? [:]) } ?? message
    }
}

extension AppliedFix {
    private enum CodingKeys: String, CodingKey { case id, page, message, messageKey, params, before, after, part }

    /// Every key always present (null when empty), as findings are written.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(page, forKey: .page)
        try container.encode(message, forKey: .message)
        try container.encode(messageKey, forKey: .messageKey)
        try container.encode(params, forKey: .params)
        try container.encode(before, forKey: .before)
        try container.encode(after, forKey: .after)
        try container.encodeIfPresent(part, forKey: .part)
    }
}
