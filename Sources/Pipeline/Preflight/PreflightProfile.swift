/// A preflight profile: the same checks for every file, with the severities and thresholds of one standard.
///
/// Every check runs in every profile; a profile only decides how serious each finding is. What a profile
/// allows is still reported (as info), so operators and integrators see what the file contains.
public struct PreflightProfile: Sendable, Hashable {
    public var name: String
    /// Severity per check id; a check not listed uses its own default.
    public var severities: [String: Finding.Severity]
    public var thresholds: PreflightThresholds
    /// Whether the profile is a PDF/X profile: output intent, Info keys and version are then required.
    public var isPDFX: Bool
    /// The highest PDF version the profile accepts ("1.4"), nil for any.
    public var maximumPDFVersion: String?
    /// Whether ICC-based RGB is acceptable (PDF/X-4); it is then reported as info.
    public var allowsICCRGB = true

    public static let basic = PreflightProfile(
        name: "basic",
        severities: ["page.rotation": .info, "boxes.trim_missing": .info, "boxes.trim_and_art": .info,
                     "boxes.nesting": .warning, "boxes.mediabox_origin": .info, "pdf.document_id": .info,
                     "pdf.forms": .info, "pdf.annotations": .warning, "pdf.javascript": .warning,
                     "file.encrypted": .warning, "pdfx.output_intent": .info, "pdfx.conformance": .info, "pdfx.info": .info, "pdfx.version": .info,
                     "color.rgb": .info, "transparency": .info, "pdf.external_refs": .warning,
                     "images.compression": .info, "images.bit_depth": .warning, "color.overprint_mode": .info],
        thresholds: PreflightThresholds(), isPDFX: false, maximumPDFVersion: nil)

    public static let pdfx1a = PreflightProfile(
        name: "pdfx-1a",
        severities: ["page.rotation": .info, "boxes.trim_missing": .error, "boxes.trim_and_art": .error,
                     "boxes.nesting": .error, "boxes.mediabox_origin": .error, "pdf.document_id": .error,
                     "pdf.forms": .error, "pdf.annotations": .error, "pdf.javascript": .error, "file.encrypted": .error,
                     "pdfx.output_intent": .error, "pdfx.info": .error, "pdfx.version": .error,
                     "color.rgb": .error, "transparency": .error, "pdf.external_refs": .error, "raster.color_mode": .error,
                     "images.compression": .error, "images.bit_depth": .error, "color.overprint_mode": .warning],
        thresholds: PreflightThresholds(), isPDFX: true, maximumPDFVersion: "1.4", allowsICCRGB: false)

    public static let pdfx4 = PreflightProfile(
        name: "pdfx-4",
        severities: ["page.rotation": .info, "boxes.trim_missing": .error, "boxes.trim_and_art": .error,
                     "boxes.nesting": .error, "boxes.mediabox_origin": .error, "pdf.document_id": .error,
                     "pdf.forms": .error, "pdf.annotations": .error, "pdf.javascript": .error, "file.encrypted": .error,
                     "pdfx.output_intent": .error, "pdfx.info": .error, "pdfx.version": .error,
                     "color.rgb": .error, "transparency": .info, "pdf.external_refs": .error,
                     "images.compression": .info, "images.bit_depth": .info, "color.overprint_mode": .info],
        thresholds: PreflightThresholds(), isPDFX: true, maximumPDFVersion: "1.6")

    public static let all = [basic, pdfx1a, pdfx4]

    public static func named(_ name: String) -> PreflightProfile? { all.first { $0.name == name } }

    public func severity(for check: String, default fallback: Finding.Severity) -> Finding.Severity {
        severities[check] ?? fallback
    }

    /// This profile with a hot folder's threshold and severity overrides applied.
    public func overriding(thresholds overrides: [String: String],
                           severities severityOverrides: [String: String] = [:]) throws(PreflightSettingError) -> PreflightProfile {
        var profile = self
        for (key, value) in overrides { try profile.thresholds.set(key, to: value) }
        for (check, value) in severityOverrides {
            guard let severity = Finding.Severity(rawValue: value) else { throw .badSeverity(check: check, value: value) }
            profile.severities[check] = severity
        }
        return profile
    }
}

/// The numbers checks compare against. Keys are the config's `preflight.thresholds` names.
public struct PreflightThresholds: Sendable, Hashable {
    /// How far a page may differ from the ordered trim size.
    public var sizeToleranceMm = 0.5
    /// Whether a landscape file for a portrait order (or the other way round) is accepted.
    public var allowsRotatedSize = true
    /// Images below this effective resolution are errors.
    public var minimumImagePPI = 150.0
    /// Images below this (and above the minimum) are warnings.
    public var warningImagePPI = 300.0
    /// Images above this are warnings: wasted weight.
    public var maximumImagePPI = 600.0
    /// Bleed may fall short of the order by this much before it is a finding (rounding in producers).
    public var bleedToleranceMm = 0.1
    /// Strokes thinner than this (points, as printed) may not print at all.
    public var minimumLineWidth = 0.25
    /// Text smaller than this (points, as printed) is hard to read and to print.
    public var minimumTextSize = 5.0
    /// The most ink (C + M + Y + K, in percent) the press takes before it smears and sets off.
    public var maximumInkCoverage = 300.0

    public static let keys = ["size_tolerance_mm", "allow_rotated", "min_image_ppi", "warn_image_ppi", "max_image_ppi",
                              "bleed_tolerance_mm", "min_line_width", "min_text_size", "max_ink_coverage"]

    public init() {}

    /// How serious an effective resolution is: below the minimum an error, below the warning level a
    /// warning (with the level it missed), nil when fine.
    public func resolutionGrade(_ ppi: Double) -> (severity: Finding.Severity, threshold: Double)? {
        if ppi < minimumImagePPI { return (.error, minimumImagePPI) }
        if ppi < warningImagePPI { return (.warning, warningImagePPI) }
        return nil
    }

    mutating func set(_ key: String, to value: String) throws(PreflightSettingError) {
        if key == "allow_rotated" {
            guard let flag = ["true": true, "yes": true, "false": false, "no": false][value.lowercased()] else {
                throw .badValue(key: key, value: value)
            }
            allowsRotatedSize = flag
            return
        }
        guard let number = Double(value), number >= 0 else { throw .badValue(key: key, value: value) }
        switch key {
        case "size_tolerance_mm": sizeToleranceMm = number
        case "min_image_ppi": minimumImagePPI = number
        case "warn_image_ppi": warningImagePPI = number
        case "max_image_ppi": maximumImagePPI = number
        case "bleed_tolerance_mm": bleedToleranceMm = number
        case "min_line_width": minimumLineWidth = number
        case "min_text_size": minimumTextSize = number
        case "max_ink_coverage": maximumInkCoverage = number
        default: throw .unknownThreshold(key)
        }
    }
}

public enum PreflightSettingError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownProfile(String)
    case unknownThreshold(String)
    case badValue(key: String, value: String)
    case badSeverity(check: String, value: String)

    public var description: String {
        switch self {
        case .unknownProfile(let name):
            "unknown preflight profile '\(name)'; one of \(PreflightProfile.all.map(\.name).joined(separator: ", "))"
        case .unknownThreshold(let key):
            "unknown preflight threshold '\(key)'; one of \(PreflightThresholds.keys.joined(separator: ", "))"
        case .badValue(let key, let value):
            key == "allow_rotated" ? "'\(key)' must be true or false, not \"\(value)\"" : "'\(key)' must be a number of 0 or more, not \"\(value)\""
        case .badSeverity(let check, let value):
            "the severity of '\(check)' must be error, warning or info, not \"\(value)\""
        }
    }
}
