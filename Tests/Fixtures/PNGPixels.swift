import CCairo
import Foundation

/// A PNG's pixels as Cairo reads them, for tests that look at what a proof shows.
public struct PNGPixels: Sendable {
    public let width: Int, height: Int
    private let data: [UInt8]
    private let stride: Int

    public init(contentsOf path: String) throws {
        guard let surface = cairo_image_surface_create_from_png(path), cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS,
              let data = cairo_image_surface_get_data(surface) else { throw CocoaError(.fileReadCorruptFile) }
        defer { cairo_surface_destroy(surface) }
        width = Int(cairo_image_surface_get_width(surface))
        height = Int(cairo_image_surface_get_height(surface))
        stride = Int(cairo_image_surface_get_stride(surface))
        self.data = Array(UnsafeBufferPointer(start: data, count: stride * height))
    }

    /// (red, green, blue) of the pixel at column x, row y.
    public func at(_ x: Int, _ y: Int) -> (r: Int, g: Int, b: Int) {
        let offset = y * stride + x * 4
        return (Int(data[offset + 2]), Int(data[offset + 1]), Int(data[offset]))
    }

    /// Whether the proof's blue cut line passes within a pixel of (x, y): antialiasing spreads a 1 px line
    /// over two.
    public func hasCutLine(near x: Double, _ y: Double) -> Bool {
        (-1...1).contains { dx in
            (-1...1).contains { dy in
                let (column, row) = (Int(x.rounded(.down)) + dx, Int(y.rounded(.down)) + dy)
                guard column >= 0, row >= 0, column < width, row < height else { return false }
                let pixel = at(column, row)
                return pixel.b > 150 && pixel.b - pixel.r > 60
            }
        }
    }
}
