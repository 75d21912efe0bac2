/// Maps between PDF user space and the space Poppler renders and lays text out in: origin at the top
/// left of the visible CropBox as shown, y down, the page turned by its /Rotate.
struct RenderedPageSpace: Sendable {
    let crop: PDFRect
    /// 0, 90, 180 or 270, clockwise as PDF's /Rotate.
    let rotation: Int

    /// The rendered width and height, in points.
    var size: (width: Double, height: Double) {
        rotation == 90 || rotation == 270 ? (crop.height, crop.width) : (crop.width, crop.height)
    }

    /// A PDF point in rendered space.
    func rendered(x: Double, y: Double) -> (u: Double, v: Double) {
        switch rotation {
        case 90: (y - crop.y0, x - crop.x0)
        case 180: (crop.x1 - x, y - crop.y0)
        case 270: (crop.y1 - y, crop.x1 - x)
        default: (x - crop.x0, crop.y1 - y)
        }
    }

    /// A rendered point in PDF user space.
    func pdf(u: Double, v: Double) -> (x: Double, y: Double) {
        switch rotation {
        case 90: (crop.x0 + v, crop.y0 + u)
        case 180: (crop.x1 - u, crop.y0 + v)
        case 270: (crop.x1 - v, crop.y1 - u)
        default: (crop.x0 + u, crop.y1 - v)
        }
    }

    /// A rendered rectangle (u0, v0, u1, v1) in PDF user space.
    func pdfRect(u0: Double, v0: Double, u1: Double, v1: Double) -> PDFRect {
        let a = pdf(u: u0, v: v0), b = pdf(u: u1, v: v1)
        return PDFRect(x0: a.x, y0: a.y, x1: b.x, y1: b.y)
    }
}
