import Foundation

/// A PDF transformation matrix [a b c d e f]: x' = a x + c y + e, y' = b x + d y + f.
struct Matrix: Equatable, Sendable {
    var a = 1.0, b = 0.0, c = 0.0, d = 1.0, e = 0.0, f = 0.0

    static let identity = Matrix()

    init(a: Double = 1, b: Double = 0, c: Double = 0, d: Double = 1, e: Double = 0, f: Double = 0) {
        (self.a, self.b, self.c, self.d, self.e, self.f) = (a, b, c, d, e, f)
    }

    init?(_ values: [Double]?) {
        guard let values, values.count == 6, values.allSatisfy(\.isFinite) else { return nil }
        self.init(a: values[0], b: values[1], c: values[2], d: values[3], e: values[4], f: values[5])
    }

    /// `self` applied first, then `other` (PDF's `cm`: CTM' = M × CTM is `m.then(ctm)`).
    func then(_ other: Matrix) -> Matrix {
        Matrix(a: a * other.a + b * other.c, b: a * other.b + b * other.d,
               c: c * other.a + d * other.c, d: c * other.b + d * other.d,
               e: e * other.a + f * other.c + other.e, f: e * other.b + f * other.d + other.f)
    }

    func apply(x: Double, y: Double) -> (x: Double, y: Double) { (a * x + c * y + e, b * x + d * y + f) }

    /// The bounding box of the unit square (where images are drawn) under this matrix.
    var unitSquareBounds: PDFRect {
        let corners = [apply(x: 0, y: 0), apply(x: 1, y: 0), apply(x: 0, y: 1), apply(x: 1, y: 1)]
        return PDFRect(x0: corners.map(\.x).min()!, y0: corners.map(\.y).min()!, x1: corners.map(\.x).max()!, y1: corners.map(\.y).max()!)
    }

    /// Lengths, in points, of the images's two sides: the unit square's edges under this matrix.
    var unitSquareSides: (width: Double, height: Double) { ((a * a + b * b).squareRoot(), (c * c + d * d).squareRoot()) }
}

extension Matrix {
    static func translation(_ x: Double, _ y: Double) -> Matrix { Matrix(e: x, f: y) }
    static func scale(_ factor: Double) -> Matrix { Matrix(a: factor, d: factor) }
    /// A quarter turn anticlockwise.
    static let quarterTurn = Matrix(a: 0, b: 1, c: -1, d: 0)

    /// `transform` applied about the point (x, y) instead of the origin.
    static func about(_ x: Double, _ y: Double, _ transform: Matrix) -> Matrix {
        translation(-x, -y).then(transform).then(translation(x, y))
    }

    var isIdentity: Bool { self == .identity }

    /// As a PDF `cm` operand list: "1 0 0 1 8.504 8.504".
    var operands: String { [a, b, c, d, e, f].map(Self.number).joined(separator: " ") }

    /// A number as content streams write it: at most five decimals, no exponent, no trailing zeros.
    static func number(_ value: Double) -> String {
        let rounded = (value * 100_000).rounded() / 100_000
        if rounded == rounded.rounded() { return String(Int(rounded)) }
        var text = String(format: "%.5f", rounded)
        while text.hasSuffix("0") { text.removeLast() }
        return text
    }
}
