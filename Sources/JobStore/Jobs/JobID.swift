import Foundation

/// A job's id: `job_` followed by a ULID, so ids sort by creation time and say what they are in a log line.
public struct JobID: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public let rawValue: String

    /// Accepts only well-formed ids, which keeps path tricks out of anything built from an id.
    public init?(_ rawValue: String) {
        guard rawValue.hasPrefix(Self.prefix), rawValue.count == Self.prefix.count + 26,
              rawValue.dropFirst(Self.prefix.count).allSatisfy({ ULID.alphabet.contains($0) }) else { return nil }
        self.rawValue = rawValue
    }

    public init(ulid: ULID) { rawValue = Self.prefix + ulid.description }

    public static func generate(at date: Date = Date()) -> JobID { JobID(ulid: ULID.generate(at: date)) }

    public static let prefix = "job_"
    public var description: String { rawValue }
    public static func < (lhs: JobID, rhs: JobID) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let id = JobID(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a job id: \(text)"))
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// A Universally Unique Lexicographically Sortable Identifier: 48 bits of milliseconds, 80 random bits,
/// Crockford base32. Ids made in the same millisecond by this process increase monotonically.
public struct ULID: Sendable, Hashable, CustomStringConvertible {
    public let milliseconds: UInt64
    public let randomness: (high: UInt16, low: UInt64)

    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    public init(milliseconds: UInt64, randomness: (high: UInt16, low: UInt64)) {
        self.milliseconds = milliseconds
        self.randomness = randomness
    }

    public static func == (lhs: ULID, rhs: ULID) -> Bool {
        lhs.milliseconds == rhs.milliseconds && lhs.randomness == rhs.randomness
    }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(milliseconds)
        hasher.combine(randomness.high)
        hasher.combine(randomness.low)
    }

    private static let last = Mutex(ULIDState())
    private struct ULIDState { var milliseconds: UInt64 = 0; var high: UInt16 = 0; var low: UInt64 = 0 }

    public static func generate(at date: Date = Date()) -> ULID {
        let ms = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        return last.withLock { state in
            if ms <= state.milliseconds {
                // Same (or earlier) millisecond: increment the previous randomness to stay sortable.
                let (low, overflow) = state.low.addingReportingOverflow(1)
                state.low = low
                if overflow { state.high &+= 1 }
            } else {
                state.milliseconds = ms
                state.high = UInt16.random(in: 0...UInt16.max) & 0x7FFF
                state.low = UInt64.random(in: 0...UInt64.max)
            }
            return ULID(milliseconds: state.milliseconds, randomness: (state.high, state.low))
        }
    }

    public var description: String {
        // 128 bits → 26 characters of 5 bits; the top 2 bits of the first character are always 0.
        var value = (UInt128(milliseconds) << 80) | (UInt128(randomness.high) << 64) | UInt128(randomness.low)
        var characters = [Character](repeating: "0", count: 26)
        for index in stride(from: 25, through: 0, by: -1) {
            characters[index] = Self.alphabet[Int(value & 0x1F)]
            value >>= 5
        }
        return String(characters)
    }
}

import Synchronization
