/// One preflight result: which check, how bad, where, and what was measured against what was expected.
/// Field names are a contract for integrators; extend, never rename.
public struct Finding: Sendable, Hashable, Codable {
    public enum Severity: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
        case info, warning, error

        public static func < (lhs: Severity, rhs: Severity) -> Bool {
            allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
        }
    }

    public var check: String
    public var severity: Severity
    /// 1-based page number; nil for findings about the whole file.
    public var page: Int?
    /// In English, for shop operators and logs.
    public var message: String
    /// The catalogue key `message` was written from ("safety.text"), for translating it; nil in reports
    /// from before catalogues.
    public var messageKey: String?
    /// The values put into the sentence (numbers, names from the file, terms by key).
    public var params: [String: MessageParameter]?
    public var measured: String?
    public var expected: String?
    /// Where on the page, in PDF points, when known.
    public var bbox: PDFRect?
    /// The part of a multi-part job whose file this is about ("front"); nil for a job of one file.
    public var part: String?

    public init(check: String, severity: Severity, page: Int? = nil, message: String,
                measured: String? = nil, expected: String? = nil, bbox: PDFRect? = nil) {
        self.check = check
        self.severity = severity
        self.page = page
        self.message = message
        self.measured = measured
        self.expected = expected
        self.bbox = bbox
    }

    /// A finding whose message is a catalogue sentence: English in `message`, key and values beside it.
    public init(check: String, severity: Severity, page: Int? = nil, message: Message,
                measured: String? = nil, expected: String? = nil, bbox: PDFRect? = nil) {
        self.init(check: check, severity: severity, page: page, message: message.english, measured: measured, expected: expected, bbox: bbox)
        messageKey = message.key
        params = message.params
    }

    /// The sentence in `catalogue`'s language; the English message when the finding has no key.
    public func message(in catalogue: MessageCatalogue) -> String {
        messageKey.map { catalogue.render($0, params ?? [:]) } ?? message
    }

    /// Encodes every field, null included, so integrators see one stable shape.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(check, forKey: .check)
        try container.encode(severity, forKey: .severity)
        try container.encode(page, forKey: .page)
        try container.encode(message, forKey: .message)
        try container.encode(messageKey, forKey: .messageKey)
        try container.encode(params, forKey: .params)
        try container.encode(measured, forKey: .measured)
        try container.encode(expected, forKey: .expected)
        try container.encode(bbox, forKey: .bbox)
        try container.encodeIfPresent(part, forKey: .part)
    }
}
