import Foundation

/// A physical length, stored in PostScript points (1/72 in) because that is the unit of every PDF box.
///
/// Configs, tickets and the API write lengths with a unit ("3mm", "0.125in", "12pt"); a bare number is
/// refused on purpose, since "3" means millimetres to a European shop and inches to nobody.
public struct Length: Sendable, Hashable, Comparable, TextCodable {
    public var points: Double

    public init(points: Double) { self.points = points }

    public static func millimetres(_ value: Double) -> Length { Length(points: value * 72 / 25.4) }
    public static func inches(_ value: Double) -> Length { Length(points: value * 72) }
    public static func points(_ value: Double) -> Length { Length(points: value) }
    public static let zero = Length(points: 0)

    public var millimetres: Double { points * 25.4 / 72 }
    public var inches: Double { points / 72 }

    public static func < (lhs: Length, rhs: Length) -> Bool { lhs.points < rhs.points }
    public static func + (lhs: Length, rhs: Length) -> Length { Length(points: lhs.points + rhs.points) }

    /// Millimetres with at most two decimals, the way shops write sizes.
    public var description: String { "\(LengthUnit.millimetre.format(points))mm" }

    /// Parses "85mm", "8.5cm", "3.5in", "12pt" (spaces between number and unit allowed).
    public init(parsing text: String) throws(LengthError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard let unit = LengthUnit.allCases.first(where: { trimmed.hasSuffix($0.rawValue) }) else {
            throw .missingUnit(text)
        }
        let number = trimmed.dropLast(unit.rawValue.count).trimmingCharacters(in: .whitespaces)
        guard let value = Double(number), value.isFinite else { throw .notANumber(text) }
        guard value >= 0 else { throw .negative(text) }
        self.points = unit.points(value)
    }
}

/// The units a length may be written in.
public enum LengthUnit: String, CaseIterable, Sendable {
    // "mm" must be tried before "m"-less units; order matters only for shared suffixes, of which there are none.
    case millimetre = "mm"
    case centimetre = "cm"
    case inch = "in"
    case point = "pt"

    func points(_ value: Double) -> Double {
        switch self {
        case .millimetre: value * 72 / 25.4
        case .centimetre: value * 720 / 25.4
        case .inch: value * 72
        case .point: value
        }
    }

    /// The value of `points` in this unit, rounded to two decimals, without trailing zeros.
    public func format(_ points: Double) -> String {
        let value = (points / self.points(1) * 100).rounded() / 100
        if value == value.rounded() { return String(Int(value)) }
        var text = String(format: "%.2f", value)
        while text.hasSuffix("0") { text.removeLast() }
        return text
    }
}

/// Why a length could not be read.
public enum LengthError: Error, Sendable, Equatable, CustomStringConvertible {
    case missingUnit(String)
    case notANumber(String)
    case negative(String)

    public var description: String {
        switch self {
        case .missingUnit(let text): "\"\(text)\" is not a length: add a unit, for example \"3mm\", \"0.125in\" or \"9pt\""
        case .notANumber(let text): "\"\(text)\" is not a length: expected a number followed by mm, cm, in or pt"
        case .negative(let text): "\"\(text)\" is negative; lengths must be zero or more"
        }
    }
}
