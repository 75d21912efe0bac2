import Foundation

/// The finished size of a product: width by height, as ordered.
public struct TrimSize: Sendable, Hashable, TextCodable {
    public var width: Length
    public var height: Length

    public init(width: Length, height: Length) {
        self.width = width
        self.height = height
    }

    /// Parses "85x55mm", "3.5 x 2 in", "85mm x 55mm" or "210×297mm".
    public init(parsing text: String) throws(LengthError) {
        let normalised = text.lowercased().replacingOccurrences(of: "×", with: "x")
        let parts = normalised.split(separator: "x", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2 else { throw .notANumber(text) }
        let heightLength = try Length(parsing: parts[1])
        // A unit written once at the end applies to both numbers: "85x55mm".
        let widthText = Double(parts[0]) != nil
            ? parts[0] + (LengthUnit.allCases.first { parts[1].hasSuffix($0.rawValue) }?.rawValue ?? "")
            : parts[0]
        let widthLength: Length
        do {
            widthLength = try Length(parsing: widthText)
        } catch {
            throw LengthError.notANumber(text)
        }
        self.init(width: widthLength, height: heightLength)
    }

    public var description: String {
        "\(LengthUnit.millimetre.format(width.points))x\(LengthUnit.millimetre.format(height.points))mm"
    }
}
