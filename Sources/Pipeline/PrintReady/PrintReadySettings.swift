/// What the print-ready stage is asked for, beyond the ordered product.
public struct PrintReadySettings: Sendable, Hashable, Codable {
    public enum Marks: String, Sendable, Hashable, Codable, CaseIterable { case none, crop }

    public var marks: Marks

    public init(marks: Marks = .none) { self.marks = marks }

    /// Crop marks start this far outside the BleedBox and are this long, in points.
    public static let markOffset = 3.0
    public static let markLength = 14.0
    public static let markWidth = 0.25
    /// The slug the MediaBox gains around the BleedBox when marks are drawn.
    public static var slug: Double { markOffset + markLength + 3 }
}
