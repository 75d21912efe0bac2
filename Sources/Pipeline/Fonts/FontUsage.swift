/// A font a PDF uses, as Poppler reports it, with the first page it appears on.
public struct FontUsage: Sendable, Hashable {
    public var name: String
    /// Type1, Type1C, Type3, TrueType, CIDFontType0, CIDFontType2, ... (the names pdffonts prints).
    public var type: String
    public var isEmbedded: Bool
    public var isSubset: Bool
    public var firstPage: Int

    public var isType3: Bool { type == "Type3" }
}
