import Foundation
import OpenAPIRuntime

/// A file as a response body, read in chunks as the client takes them rather than loaded whole.
enum FileBody {
    static let chunkSize = 256 * 1024

    static func open(_ path: String) throws -> HTTPBody {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw APIError(.notFound, "the file is gone") }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value
        let chunks = AsyncThrowingStream<ArraySlice<UInt8>, any Error> { continuation in
            let task = Task {
                defer { try? handle.close() }
                do {
                    while !Task.isCancelled, let data = try handle.read(upToCount: chunkSize), !data.isEmpty {
                        continuation.yield(ArraySlice(data))
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
        return HTTPBody(chunks, length: size.map { .known($0) } ?? .unknown, iterationBehavior: .single)
    }

    /// `attachment; filename="..."` with an RFC 5987 copy for names that are not plain ASCII.
    static func attachment(_ name: String) -> String {
        let ascii = String(name.unicodeScalars.map { $0.isASCII && $0 != "\"" && $0 != "\\" && $0.value >= 0x20 ? Character($0) : "_" })
        let encoded = name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ascii
        return "attachment; filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)"
    }
}
