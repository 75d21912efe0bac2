/// Where artwork reaches the trim edge but does not continue into the bleed, found by rendering the page.
public struct BleedCoverage: Sendable, Hashable {
    public enum Edge: String, Sendable, Hashable, CaseIterable { case left, right, top, bottom }

    public struct Gap: Sendable, Hashable {
        public var edge: Edge
        /// The stretch of the trim edge where artwork stops at the trim, in PDF points.
        public var bbox: PDFRect
        /// Its length in points.
        public var length: Double
    }

    public var gaps: [Gap]
}
