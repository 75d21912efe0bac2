import Foundation
import Pipeline
import Synchronization

/// A bounded memo of JSON column texts already decoded, by text.
final class DecodedJSONColumns: Sendable {
    private let products = Mutex([String: ProductSpec]())
    private let orders = Mutex([String: JobOrder]())
    private let capacity = 1024

    func product(_ text: String) throws -> ProductSpec { try memo(text, in: products) }
    func order(_ text: String) throws -> JobOrder { try memo(text, in: orders) }

    private func memo<T: Decodable & Sendable>(_ text: String, in cache: borrowing Mutex<[String: T]>) throws -> T {
        if let value = cache.withLock({ $0[text] }) { return value }
        let value = try JSONDecoder().decode(T.self, from: Data(text.utf8))
        cache.withLock { cache in
            if cache.count >= capacity { cache.removeAll(keepingCapacity: true) }
            cache[text] = value
        }
        return value
    }
}
