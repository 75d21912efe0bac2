import Foundation
import OpenAPIRuntime

/// Writes dates with milliseconds (events within one second keep their order) and reads them with or
/// without, as integrators send both.
struct FlexibleDateTranscoder: DateTranscoder {
    func encode(_ date: Date) throws -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    func decode(_ text: String) throws -> Date {
        if let date = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text) { return date }
        if let date = try? Date.ISO8601FormatStyle().parse(text) { return date }
        throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "\"\(text)\" is not an ISO 8601 date-time such as 2026-11-23T08:00:00Z"))
    }
}
