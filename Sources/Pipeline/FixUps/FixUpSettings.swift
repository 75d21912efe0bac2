/// What the fix-ups are asked to do and the tolerances they judge by. Handed to the worker as JSON.
public struct FixUpSettings: Sendable, Hashable, Codable {
    /// The fix-ups chosen; they run in `FixUpID.runningOrder` whatever order they are listed in.
    public var fixups: [FixUpID]
    /// How far a page may differ from the ordered size and still be that size (preflight's `size_tolerance_mm`).
    public var sizeToleranceMm: Double
    /// How far a page's proportions may differ from the order's for `size.fit` to scale it (0.02: 2%).
    public var fitTolerance: Double
    /// Whether a landscape page for a portrait order (or the other way round) is the right size turned;
    /// when false, `size.fit` turns such a page.
    public var allowsRotated: Bool
    /// Bleed may fall short of the order by this much before a bleed fix-up acts (preflight's `bleed_tolerance_mm`).
    public var bleedToleranceMm: Double
    /// How color.cmyk brings colours into the press's gamut (`color.intent`).
    public var intent: RenderingIntent = .relativeColorimetric

    public init(fixups: [FixUpID] = [], sizeToleranceMm: Double = 0.5, fitTolerance: Double = 0.02,
                allowsRotated: Bool = true, bleedToleranceMm: Double = 0.1) {
        self.fixups = fixups
        self.sizeToleranceMm = sizeToleranceMm
        self.fitTolerance = fitTolerance
        self.allowsRotated = allowsRotated
        self.bleedToleranceMm = bleedToleranceMm
    }

    /// The settings that go with a preflight profile's thresholds, so a fix-up and the check after it
    /// measure alike.
    public init(fixups: [FixUpID], thresholds: PreflightThresholds, fitTolerance: Double = 0.02) {
        self.init(fixups: fixups, sizeToleranceMm: thresholds.sizeToleranceMm, fitTolerance: fitTolerance,
                  allowsRotated: thresholds.allowsRotatedSize, bleedToleranceMm: thresholds.bleedToleranceMm)
    }

    public func includes(_ id: FixUpID) -> Bool { fixups.contains(id) }
}
