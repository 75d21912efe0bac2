import Foundation

/// How many pages the ordered product may have: exactly n, one of a list, or a range.
public enum PageCountRule: Sendable, Hashable, Codable, CustomStringConvertible {
    case exactly(Int)
    case oneOf([Int])
    case range(ClosedRange<Int>)

    public func allows(_ count: Int) -> Bool {
        switch self {
        case .exactly(let n): count == n
        case .oneOf(let list): list.contains(count)
        case .range(let range): range.contains(count)
        }
    }

    /// Parses "2", "4-64" or "1,2,4".
    public init(parsing text: String) throws(PageCountError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let n = Int(trimmed) {
            guard n > 0 else { throw .invalid(text) }
            self = .exactly(n)
        } else if trimmed.contains(",") {
            let numbers = trimmed.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !numbers.isEmpty, numbers.allSatisfy({ ($0 ?? 0) > 0 }) else { throw .invalid(text) }
            self = .oneOf(numbers.compactMap { $0 })
        } else {
            let bounds = trimmed.split(separator: "-").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard bounds.count == 2, let low = bounds[0], let high = bounds[1], low > 0, low <= high else {
                throw .invalid(text)
            }
            self = .range(low...high)
        }
    }

    public var description: String {
        switch self {
        case .exactly(let n): String(n)
        case .oneOf(let list): list.map(String.init).joined(separator: ",")
        case .range(let range): "\(range.lowerBound)-\(range.upperBound)"
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let n = try? container.decode(Int.self) {
            guard n > 0 else { throw DecodingError.dataCorruptedError(in: container, debugDescription: "pages must be 1 or more") }
            self = .exactly(n)
        } else if let list = try? container.decode([Int].self) {
            self = .oneOf(list)
        } else {
            let text = try container.decode(String.self)
            do { self = try PageCountRule(parsing: text) } catch {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
            }
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .exactly(let n): try container.encode(n)
        case .oneOf(let list): try container.encode(list)
        case .range: try container.encode(description)
        }
    }
}

public enum PageCountError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalid(String)
    public var description: String {
        switch self {
        case .invalid(let text): "\"\(text)\" is not a page count: write 2, a list like [1, 2, 4] or a range like \"4-64\""
        }
    }
}
