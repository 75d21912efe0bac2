import Foundation

/// How a store writes a value it keeps as JSON text (products, orders, actors): keys sorted, so one value
/// is always one text and the decoded-column cache hits.
enum StoredJSON {
    static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
