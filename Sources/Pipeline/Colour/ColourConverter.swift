import CLCMS
import Foundation

/// Converts colours and pixels to the output profile's CMYK with LittleCMS: the colour maths is the
/// library's. One transform per source colour space and pixel format, made on first use.
///
/// Not thread-safe; one per worker (a fix-up run).
final class ColourConverter {
    /// Where colour comes from, as LittleCMS needs to know it.
    enum Source: Hashable {
        /// DeviceRGB, taken as sRGB (what every design tool and camera means by RGB without a profile).
        case sRGB
        /// An ICCBased space's embedded RGB profile.
        case icc(EmbeddedProfile)
        /// CalRGB: white point, gamma per channel, and the XYZ matrix of its primaries.
        case calRGB(whitePoint: [Double], gamma: [Double], matrix: [Double])
        /// CIE L*a*b* relative to `whitePoint`.
        case lab(whitePoint: [Double])

        var components: Int { 3 }
    }

    enum PixelFormat { case eightBit, sixteenBit, double }

    let intent: RenderingIntent
    private let output: cmsHPROFILE
    private var transforms: [TransformKey: cmsHTRANSFORM] = [:]
    private var sourceProfiles: [Source: cmsHPROFILE] = [:]

    private struct TransformKey: Hashable { var source: Source; var format: PixelFormat }

    init(output profile: OutputProfile, intent: RenderingIntent) throws(FixUpError) {
        guard let handle = profile.data.withUnsafeBytes({ cmsOpenProfileFromMem($0.baseAddress, cmsUInt32Number($0.count)) }) else {
            throw .badProfile("the output profile \(profile.name) cannot be read")
        }
        output = handle
        self.intent = intent
    }

    deinit {
        for transform in transforms.values { cmsDeleteTransform(transform) }
        for profile in sourceProfiles.values { cmsCloseProfile(profile) }
        cmsCloseProfile(output)
    }

    /// One colour: RGB components 0...1 (Lab: L 0...100, a and b as given) to CMYK 0...1.
    func cmyk(_ components: [Double], from source: Source) -> [Double]? {
        guard components.count == 3, let transform = transform(from: source, format: .double) else { return nil }
        var input = source.isLab ? components : components.map { min(1, max(0, $0)) }
        var result = [Double](repeating: 0, count: 4)
        cmsDoTransform(transform, &input, &result, 1)
        // LittleCMS gives floating-point CMYK in percent.
        return result.map { min(1, max(0, $0 / 100)) }
    }

    /// Interleaved RGB pixels (8 or 16 bits big-endian per component) to interleaved CMYK of the same depth.
    func cmyk(pixels: [UInt8], count: Int, from source: Source, bitsPerComponent: Int) -> [UInt8]? {
        let format: PixelFormat = bitsPerComponent == 16 ? .sixteenBit : .eightBit
        let bytes = bitsPerComponent == 16 ? 2 : 1
        guard pixels.count >= count * 3 * bytes, let transform = transform(from: source, format: format) else { return nil }
        var result = [UInt8](repeating: 0, count: count * 4 * bytes)
        pixels.withUnsafeBytes { input in
            result.withUnsafeMutableBytes { output in
                cmsDoTransform(transform, input.baseAddress, output.baseAddress, cmsUInt32Number(count))
            }
        }
        return result
    }

    private func transform(from source: Source, format: PixelFormat) -> cmsHTRANSFORM? {
        let key = TransformKey(source: source, format: format)
        if let existing = transforms[key] { return existing }
        guard let profile = profile(for: source) else { return nil }
        let (inputFormat, outputFormat): (cmsUInt32Number, cmsUInt32Number) = switch format {
        case .eightBit: (hfa_TYPE_RGB_8, hfa_TYPE_CMYK_8)
        case .sixteenBit: (hfa_TYPE_RGB_16_SE, hfa_TYPE_CMYK_16_SE)
        case .double: (source.isLab ? hfa_TYPE_Lab_DBL : hfa_TYPE_RGB_DBL, hfa_TYPE_CMYK_DBL)
        }
        guard !(source.isLab && format != .double) else { return nil }
        let flags = intent.usesBlackPointCompensation ? cmsUInt32Number(cmsFLAGS_BLACKPOINTCOMPENSATION) : 0
        guard let transform = cmsCreateTransform(profile, inputFormat, output, outputFormat, intent.lcmsIntent, flags) else { return nil }
        transforms[key] = transform
        return transform
    }

    private func profile(for source: Source) -> cmsHPROFILE? {
        if let existing = sourceProfiles[source] { return existing }
        let made: cmsHPROFILE?
        switch source {
        case .sRGB:
            made = cmsCreate_sRGBProfile()
        case .icc(let embedded):
            let opened = embedded.data.withUnsafeBytes { cmsOpenProfileFromMem($0.baseAddress, cmsUInt32Number($0.count)) }
            if let opened, cmsGetColorSpace(opened) == cmsSigRgbData {
                made = opened
            } else {
                // A broken or mislabelled embedded profile: read the colour as sRGB, as viewers do.
                if let opened { cmsCloseProfile(opened) }
                made = cmsCreate_sRGBProfile()
            }
        case .calRGB(let whitePoint, let gamma, let matrix):
            made = Self.calRGBProfile(whitePoint: whitePoint, gamma: gamma, matrix: matrix)
        case .lab(let whitePoint):
            var white = Self.xyY(fromXYZ: whitePoint)
            made = cmsCreateLab4Profile(&white)
        }
        if let made { sourceProfiles[source] = made }
        return made
    }

    /// CalRGB as an RGB profile: its primaries (the matrix's columns) and white point in xyY, its gammas as curves.
    private static func calRGBProfile(whitePoint: [Double], gamma: [Double], matrix: [Double]) -> cmsHPROFILE? {
        var white = xyY(fromXYZ: whitePoint)
        let m = matrix.count == 9 ? matrix : [1, 0, 0, 0, 1, 0, 0, 0, 1]
        var primaries = cmsCIExyYTRIPLE(Red: xyY(fromXYZ: Array(m[0..<3])), Green: xyY(fromXYZ: Array(m[3..<6])),
                                        Blue: xyY(fromXYZ: Array(m[6..<9])))
        let gammas = gamma.count == 3 ? gamma : [1, 1, 1]
        var curves: [OpaquePointer?] = gammas.map { cmsBuildGamma(nil, $0) }
        defer { for curve in curves { cmsFreeToneCurve(curve) } }
        return curves.withUnsafeMutableBufferPointer { buffer in
            cmsCreateRGBProfile(&white, &primaries, buffer.baseAddress)
        }
    }

    private static func xyY(fromXYZ xyz: [Double]) -> cmsCIExyY {
        let values = xyz.count == 3 ? xyz : [0.9505, 1, 1.089]
        let sum = values[0] + values[1] + values[2]
        guard sum > 0 else { return cmsCIExyY(x: 0.3127, y: 0.329, Y: 1) }
        return cmsCIExyY(x: values[0] / sum, y: values[1] / sum, Y: values[1])
    }
}

/// An embedded ICC profile, compared by identity: one per profile object of the file (`ColourSpaceCache`),
/// so that looking up its transform does not hash the profile's bytes for every colour.
final class EmbeddedProfile: Hashable {
    let data: Data
    init(_ data: Data) { self.data = data }
    static func == (a: EmbeddedProfile, b: EmbeddedProfile) -> Bool { a === b }
    func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
}

extension ColourConverter.Source {
    var isLab: Bool { if case .lab = self { true } else { false } }
}

/// How colour outside the output's gamut is brought in (`color.intent`).
public enum RenderingIntent: String, Sendable, Hashable, Codable, CaseIterable {
    case perceptual
    case relativeColorimetric = "relative_colorimetric"
    case saturation
    case absoluteColorimetric = "absolute_colorimetric"

    var lcmsIntent: cmsUInt32Number {
        switch self {
        case .perceptual: cmsUInt32Number(INTENT_PERCEPTUAL)
        case .relativeColorimetric: cmsUInt32Number(INTENT_RELATIVE_COLORIMETRIC)
        case .saturation: cmsUInt32Number(INTENT_SATURATION)
        case .absoluteColorimetric: cmsUInt32Number(INTENT_ABSOLUTE_COLORIMETRIC)
        }
    }

    /// Black point compensation with the relative intent (what prepress means by "relative colorimetric"):
    /// RGB black maps to the press's black, not to a washed-out grey.
    var usesBlackPointCompensation: Bool { self == .relativeColorimetric || self == .perceptual }
}
