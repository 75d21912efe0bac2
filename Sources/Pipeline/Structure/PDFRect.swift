/// A rectangle in PDF user space (points), normalised so that x0 <= x1 and y0 <= y1.
/// Encoded as `[x0, y0, x1, y1]`, the way the report and PDF itself write boxes.
public struct PDFRect: Sendable, Hashable, Codable, CustomStringConvertible {
    public var x0: Double
    public var y0: Double
    public var x1: Double
    public var y1: Double

    public init(x0: Double, y0: Double, x1: Double, y1: Double) {
        self.x0 = min(x0, x1)
        self.y0 = min(y0, y1)
        self.x1 = max(x0, x1)
        self.y1 = max(y0, y1)
    }

    /// From a PDF rectangle array; nil unless it has four numbers.
    public init?(_ numbers: [Double]?) {
        guard let numbers, numbers.count == 4, numbers.allSatisfy(\.isFinite) else { return nil }
        self.init(x0: numbers[0], y0: numbers[1], x1: numbers[2], y1: numbers[3])
    }

    public var width: Double { x1 - x0 }
    public var height: Double { y1 - y0 }
    public var isEmpty: Bool { width <= 0 || height <= 0 }

    /// Whether `other` lies inside this rectangle, allowing `tolerance` points of overhang on each side.
    public func contains(_ other: PDFRect, tolerance: Double = 0.01) -> Bool {
        other.x0 >= x0 - tolerance && other.y0 >= y0 - tolerance && other.x1 <= x1 + tolerance && other.y1 <= y1 + tolerance
    }

    /// This rectangle grown by `amount` points on every side.
    public func expanded(by amount: Double) -> PDFRect { PDFRect(x0: x0 - amount, y0: y0 - amount, x1: x1 + amount, y1: y1 + amount) }

    public func intersection(_ other: PDFRect) -> PDFRect? {
        let rect = PDFRect(x0: max(x0, other.x0), y0: max(y0, other.y0), x1: min(x1, other.x1), y1: min(y1, other.y1))
        return (min(x1, other.x1) > max(x0, other.x0) && min(y1, other.y1) > max(y0, other.y0)) ? rect : nil
    }

    /// The smallest distance from this rectangle's edges out to `outer`'s edges (negative when it sticks out).
    public func smallestMargin(within outer: PDFRect) -> Double {
        min(x0 - outer.x0, y0 - outer.y0, outer.x1 - x1, outer.y1 - y1)
    }

    public var description: String { "[\(format(x0)) \(format(y0)) \(format(x1)) \(format(y1))]" }
    private func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String((value * 1000).rounded() / 1000)
    }

    public init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        self.init(x0: try container.decode(Double.self), y0: try container.decode(Double.self),
                  x1: try container.decode(Double.self), y1: try container.decode(Double.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        for value in [x0, y0, x1, y1] { try container.encode((value * 1000).rounded() / 1000) }
    }
}

extension PDFRect {
    /// The bounding box of this rectangle under `matrix`.
    func transformed(by matrix: Matrix) -> PDFRect {
        let corners = [matrix.apply(x: x0, y: y0), matrix.apply(x: x1, y: y0), matrix.apply(x: x0, y: y1), matrix.apply(x: x1, y: y1)]
        return PDFRect(x0: corners.map(\.x).min()!, y0: corners.map(\.y).min()!, x1: corners.map(\.x).max()!, y1: corners.map(\.y).max()!)
    }

    /// The smallest rectangle holding both.
    func union(_ other: PDFRect) -> PDFRect {
        PDFRect(x0: min(x0, other.x0), y0: min(y0, other.y0), x1: max(x1, other.x1), y1: max(y1, other.y1))
    }

    var centre: (x: Double, y: Double) { ((x0 + x1) / 2, (y0 + y1) / 2) }

    /// A rectangle of `width` by `height` centred on this one's centre.
    func centred(width: Double, height: Double) -> PDFRect {
        let (x, y) = centre
        return PDFRect(x0: x - width / 2, y0: y - height / 2, x1: x + width / 2, y1: y + height / 2)
    }
}
