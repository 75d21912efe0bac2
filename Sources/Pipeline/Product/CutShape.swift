import Foundation

/// The line a product is cut along, placed on a page: the one answer to "where is the cut" for the proof's
/// cut line, the safety and bleed checks and the print-ready die-line. A rectangle is the trim itself; a
/// rounded rectangle is the trim with round corners; an ellipse fills the trim; a circle is the largest
/// one centred in it.
public struct CutShape: Sendable, Hashable {
    public enum Outline: Sendable, Hashable {
        case rectangle
        case roundedRectangle(radius: Double)
        case ellipse
    }

    /// The shape's bounding rectangle, in PDF points.
    public let bounds: PDFRect
    public let outline: Outline

    public init(bounds: PDFRect, outline: Outline) {
        self.bounds = bounds
        if case .roundedRectangle(let radius) = outline {
            let fitting = min(max(0, radius), bounds.width / 2, bounds.height / 2)
            self.outline = fitting > 0 ? .roundedRectangle(radius: fitting) : .rectangle
        } else {
            self.outline = outline
        }
    }

    /// The ordered shape on a page whose trim is `trim`. `custom` die-lines come from the file and are not
    /// known here: its shape for the checks is the trim.
    public init(product: ProductSpec, trim: PDFRect) {
        switch product.shape {
        case .roundedRectangle?:
            self.init(bounds: trim, outline: .roundedRectangle(radius: product.effectiveCornerRadius.points))
        case .ellipse?:
            self.init(bounds: trim, outline: .ellipse)
        case .circle?:
            let diameter = min(trim.width, trim.height)
            let x = (trim.x0 + trim.x1) / 2, y = (trim.y0 + trim.y1) / 2
            self.init(bounds: PDFRect(x0: x - diameter / 2, y0: y - diameter / 2, x1: x + diameter / 2, y1: y + diameter / 2),
                      outline: .ellipse)
        default:
            self.init(bounds: trim, outline: .rectangle)
        }
    }

    public var isRectangle: Bool { outline == .rectangle }

    /// The line `distance` points outside this one (inside when negative): the bleed line and the safety
    /// line. Corners of a rectangle stay square, as a shop draws its bleed; curves stay curves.
    public func offset(by distance: Double) -> CutShape {
        let grown = bounds.expanded(by: distance)
        guard !grown.isEmpty else {
            let x = (bounds.x0 + bounds.x1) / 2, y = (bounds.y0 + bounds.y1) / 2
            return CutShape(bounds: PDFRect(x0: x, y0: y, x1: x, y1: y), outline: .rectangle)
        }
        switch outline {
        case .rectangle: return CutShape(bounds: grown, outline: .rectangle)
        case .roundedRectangle(let radius): return CutShape(bounds: grown, outline: .roundedRectangle(radius: radius + distance))
        case .ellipse: return CutShape(bounds: grown, outline: .ellipse)
        }
    }

    /// Whether the point lies inside the line, or within `tolerance` points past it.
    public func contains(x: Double, y: Double, tolerance: Double = 0.01) -> Bool {
        let outer = tolerance == 0 ? self : offset(by: tolerance)
        let b = outer.bounds
        guard x >= b.x0, x <= b.x1, y >= b.y0, y <= b.y1 else { return false }
        switch outer.outline {
        case .rectangle:
            return true
        case .roundedRectangle(let radius):
            // Only the corner squares are cut away: there the point must lie within the corner's circle.
            let cx = min(max(x, b.x0 + radius), b.x1 - radius)
            let cy = min(max(y, b.y0 + radius), b.y1 - radius)
            return (x - cx) * (x - cx) + (y - cy) * (y - cy) <= radius * radius
        case .ellipse:
            let a = b.width / 2, c = b.height / 2
            guard a > 0, c > 0 else { return false }
            let dx = (x - (b.x0 + a)) / a, dy = (y - (b.y0 + c)) / c
            return dx * dx + dy * dy <= 1
        }
    }

    /// Whether the whole rectangle lies inside; every shape here is convex, so its corners decide.
    public func contains(_ rect: PDFRect, tolerance: Double = 0.01) -> Bool {
        [(rect.x0, rect.y0), (rect.x1, rect.y0), (rect.x0, rect.y1), (rect.x1, rect.y1)]
            .allSatisfy { contains(x: $0.0, y: $0.1, tolerance: tolerance) }
    }

    /// Points along the line about `spacing` points apart, each with its outward unit normal, for judging
    /// what lies just inside and just outside it.
    public func samples(spacing: Double) -> [(x: Double, y: Double, nx: Double, ny: Double)] {
        let step = max(spacing, 0.01)
        var points: [(x: Double, y: Double, nx: Double, ny: Double)] = []
        let b = bounds
        func straight(from start: (Double, Double), to end: (Double, Double), normal: (Double, Double)) {
            let length = hypot(end.0 - start.0, end.1 - start.1)
            let count = max(1, Int((length / step).rounded(.down)))
            guard length > 0 else { return }
            for index in 0..<count {
                let t = (Double(index) + 0.5) / Double(count)
                points.append((start.0 + (end.0 - start.0) * t, start.1 + (end.1 - start.1) * t, normal.0, normal.1))
            }
        }
        func arc(centre: (Double, Double), rx: Double, ry: Double, from: Double, to: Double) {
            let length = (to - from) * (rx + ry) / 2
            let count = max(1, Int((length / step).rounded(.down)))
            for index in 0..<count {
                let angle = from + (to - from) * (Double(index) + 0.5) / Double(count)
                let (cosine, sine) = (cos(angle), sin(angle))
                // The normal of an ellipse at angle t is (cos t / rx, sin t / ry), normalised.
                let (nx, ny) = (cosine / max(rx, 1e-9), sine / max(ry, 1e-9))
                let norm = hypot(nx, ny)
                points.append((centre.0 + rx * cosine, centre.1 + ry * sine, nx / norm, ny / norm))
            }
        }
        switch outline {
        case .rectangle:
            straight(from: (b.x0, b.y0), to: (b.x1, b.y0), normal: (0, -1))
            straight(from: (b.x1, b.y0), to: (b.x1, b.y1), normal: (1, 0))
            straight(from: (b.x1, b.y1), to: (b.x0, b.y1), normal: (0, 1))
            straight(from: (b.x0, b.y1), to: (b.x0, b.y0), normal: (-1, 0))
        case .roundedRectangle(let r):
            straight(from: (b.x0 + r, b.y0), to: (b.x1 - r, b.y0), normal: (0, -1))
            arc(centre: (b.x1 - r, b.y0 + r), rx: r, ry: r, from: -.pi / 2, to: 0)
            straight(from: (b.x1, b.y0 + r), to: (b.x1, b.y1 - r), normal: (1, 0))
            arc(centre: (b.x1 - r, b.y1 - r), rx: r, ry: r, from: 0, to: .pi / 2)
            straight(from: (b.x1 - r, b.y1), to: (b.x0 + r, b.y1), normal: (0, 1))
            arc(centre: (b.x0 + r, b.y1 - r), rx: r, ry: r, from: .pi / 2, to: .pi)
            straight(from: (b.x0, b.y1 - r), to: (b.x0, b.y0 + r), normal: (-1, 0))
            arc(centre: (b.x0 + r, b.y0 + r), rx: r, ry: r, from: .pi, to: 3 * .pi / 2)
        case .ellipse:
            arc(centre: ((b.x0 + b.x1) / 2, (b.y0 + b.y1) / 2), rx: b.width / 2, ry: b.height / 2, from: 0, to: 2 * .pi)
        }
        return points
    }

    /// One piece of the line as PDF and Cairo draw it.
    public enum PathElement: Sendable, Hashable {
        case move(x: Double, y: Double)
        case line(x: Double, y: Double)
        case curve(x1: Double, y1: Double, x2: Double, y2: Double, x: Double, y: Double)
        case close
    }

    /// The closed line as moves, lines and cubic Béziers (quarter arcs with the usual 0.5523 handle).
    public var path: [PathElement] {
        let k = 0.5522847498
        let b = bounds
        switch outline {
        case .rectangle:
            return [.move(x: b.x0, y: b.y0), .line(x: b.x1, y: b.y0), .line(x: b.x1, y: b.y1), .line(x: b.x0, y: b.y1), .close]
        case .roundedRectangle(let r):
            let h = r * (1 - k)
            return [
                .move(x: b.x0 + r, y: b.y0), .line(x: b.x1 - r, y: b.y0),
                .curve(x1: b.x1 - h, y1: b.y0, x2: b.x1, y2: b.y0 + h, x: b.x1, y: b.y0 + r),
                .line(x: b.x1, y: b.y1 - r),
                .curve(x1: b.x1, y1: b.y1 - h, x2: b.x1 - h, y2: b.y1, x: b.x1 - r, y: b.y1),
                .line(x: b.x0 + r, y: b.y1),
                .curve(x1: b.x0 + h, y1: b.y1, x2: b.x0, y2: b.y1 - h, x: b.x0, y: b.y1 - r),
                .line(x: b.x0, y: b.y0 + r),
                .curve(x1: b.x0, y1: b.y0 + h, x2: b.x0 + h, y2: b.y0, x: b.x0 + r, y: b.y0),
                .close,
            ]
        case .ellipse:
            let (cx, cy) = ((b.x0 + b.x1) / 2, (b.y0 + b.y1) / 2)
            let (rx, ry) = (b.width / 2, b.height / 2)
            return [
                .move(x: b.x1, y: cy),
                .curve(x1: b.x1, y1: cy + ry * k, x2: cx + rx * k, y2: b.y1, x: cx, y: b.y1),
                .curve(x1: cx - rx * k, y1: b.y1, x2: b.x0, y2: cy + ry * k, x: b.x0, y: cy),
                .curve(x1: b.x0, y1: cy - ry * k, x2: cx - rx * k, y2: b.y0, x: cx, y: b.y0),
                .curve(x1: cx + rx * k, y1: b.y0, x2: b.x1, y2: cy - ry * k, x: b.x1, y: cy),
                .close,
            ]
        }
    }

    /// The path as PDF content operators (m, l, c, h), for the die-line.
    var pdfOperators: String {
        path.map { element in
            switch element {
            case .move(let x, let y): "\(Matrix.number(x)) \(Matrix.number(y)) m"
            case .line(let x, let y): "\(Matrix.number(x)) \(Matrix.number(y)) l"
            case .curve(let x1, let y1, let x2, let y2, let x, let y):
                [x1, y1, x2, y2, x, y].map(Matrix.number).joined(separator: " ") + " c"
            case .close: "h"
            }
        }.joined(separator: "\n")
    }
}
