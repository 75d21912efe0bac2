/// Every check, in the order their findings are listed. A new check is added here and nowhere else.
public enum PreflightCatalogue {
    public static let checks: [any PreflightCheck] = [
        FileDamageCheck(),
        PageCountCheck(), MismatchedPageSizesCheck(), PageSizeCheck(), PageRotationCheck(),
        TrimMissingCheck(), TrimAndArtCheck(), BoxNestingCheck(), MediaBoxOriginCheck(),
        BleedSizeCheck(), BleedContentCheck(), SafetyTextCheck(), DielineMissingCheck(),
        FontEmbeddingCheck(), Type3FontCheck(),
        LowImageResolutionCheck(), HighImageResolutionCheck(), ImageCompressionCheck(), ImageBitDepthCheck(),
        RGBColourCheck(), GrayColourCheck(), SpotColourCheck(), DeviceNColourCheck(), RegistrationColourCheck(),
        OverprintWhiteCheck(), OverprintModeCheck(), InkCoverageCheck(),
        HairlineCheck(), SmallTextCheck(), RichBlackTextCheck(),
        TransparencyCheck(),
        OutputIntentCheck(), PDFXConformanceCheck(), PDFVersionCheck(), PDFXInfoCheck(), DocumentIDCheck(),
        AnnotationsCheck(), FormsCheck(), JavaScriptCheck(), ExternalReferencesCheck(), XObjectNestingCheck(),
        RasterResolutionCheck(), RasterPixelSizeCheck(), RasterColourModeCheck(), RasterAlphaCheck(), RasterOrientationCheck(),
    ]

    /// The ids of findings the engine itself reports before any check can run.
    public static let fileCheckIDs = ["file.unreadable", "file.encrypted", "file.type_unsupported"]

    public static var ids: [String] { fileCheckIDs + checks.map(\.id) }
}
