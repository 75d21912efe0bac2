import Foundation
import Hummingbird

/// Caps every part of a multipart/form-data body except the files (the `file` part, and any part with a file
/// name: a product's parts, `front` and `back`), as the body streams in.
///
/// The generated server buffers a JSON part whole before anyone sees it, so the `job` part of
/// `POST /api/v1/jobs` (and any other part a client adds) would grow without bound; the file part streams to
/// disk under `max_upload`, as do the parts' files of a product made of parts. This follows the parts by their boundary and refuses a non-file part, or a part's
/// header block, that grows past its limit with 413, before it is buffered.
struct MultipartPartLimit<Base: AsyncSequence & Sendable>: AsyncSequence, Sendable where Base.Element == ByteBuffer {
    typealias Element = ByteBuffer

    let base: Base
    let boundary: [UInt8]
    let maxPartBytes: Int

    /// The boundary of a `multipart/form-data; boundary=...` content type.
    static func boundary(of contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].lowercased() == "boundary" else { continue }
            let value = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            return (1...70).contains(value.utf8.count) ? value : nil
        }
        return nil
    }

    func makeAsyncIterator() -> Iterator {
        Iterator(base: base.makeAsyncIterator(), scanner: PartScanner(delimiter: Array("\r\n--".utf8) + boundary, maxPartBytes: maxPartBytes))
    }

    struct Iterator: AsyncIteratorProtocol {
        var base: Base.AsyncIterator
        var scanner: PartScanner

        mutating func next() async throws -> ByteBuffer? {
            guard let chunk = try await base.next() else { return nil }
            try chunk.withUnsafeReadableBytes { try scanner.consume($0) }
            return chunk
        }
    }
}

/// The state machine under `MultipartPartLimit`: where the parts begin and end, how big the current one
/// is, and whether it is the file. Bytes carried between chunks are only the few a delimiter may straddle.
struct PartScanner {
    private enum Phase { case body(isFile: Bool), headers }

    let delimiter: [UInt8]
    let maxPartBytes: Int
    static let maxHeaderBytes = 16 * 1024
    private var phase = Phase.body(isFile: false)
    private var partBytes = 0
    private var headerBytes: [UInt8] = []
    /// The end of the bytes before, as far as it could be the start of a delimiter.
    private var carry: [UInt8]

    init(delimiter: [UInt8], maxPartBytes: Int) {
        self.delimiter = delimiter
        self.maxPartBytes = maxPartBytes
        // The body starts with "--boundary", without the CRLF every later delimiter has.
        carry = Array("\r\n".utf8)
    }

    mutating func consume(_ bytes: UnsafeRawBufferPointer) throws {
        var data = carry
        data.append(contentsOf: bytes)
        carry = []
        var index = 0
        while index < data.count {
            switch phase {
            case .headers:
                headerBytes.append(data[index])
                index += 1
                if headerBytes.count > Self.maxHeaderBytes {
                    throw APIError(.payloadTooLarge, "a part's headers are longer than 16 KiB")
                }
                if headerBytes.count >= 4 && headerBytes.suffix(4).elementsEqual([13, 10, 13, 10]) {
                    phase = .body(isFile: Self.isFilePart(headerBytes))
                    headerBytes = []
                    partBytes = 0
                }
            case .body(let isFile):
                if let found = Self.find(delimiter, in: data, from: index) {
                    try count(found - index, isFile: isFile)
                    index = found + delimiter.count
                    phase = .headers
                } else {
                    // Keep what could begin a delimiter; count the rest as the part's.
                    let keep = min(delimiter.count - 1, data.count - index)
                    try count(data.count - index - keep, isFile: isFile)
                    carry = Array(data[(data.count - keep)...])
                    index = data.count
                }
            }
        }
    }

    private mutating func count(_ bytes: Int, isFile: Bool) throws {
        partBytes += bytes
        if !isFile && partBytes > maxPartBytes {
            throw APIError(.payloadTooLarge, "a part that is not a file is larger than \(maxPartBytes / 1024) KiB; the 'job' JSON is limited to that")
        }
    }

    /// Whether a part's headers make it a file: named `file`, or carrying a file name
    /// (`Content-Disposition: form-data; name="front"; filename="card-front.pdf"`).
    static func isFilePart(_ headers: [UInt8]) -> Bool {
        let text = String(decoding: headers, as: UTF8.self).lowercased()
        for line in text.split(separator: "\r\n") where line.hasPrefix("content-disposition:") {
            var name: String?
            var hasFileName = false
            for parameter in line.split(separator: ";").dropFirst() {
                let pair = parameter.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
                guard pair.count == 2 else { continue }
                if pair[0] == "filename" || pair[0] == "filename*" { hasFileName = true }
                if pair[0] == "name" { name = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
            }
            // The `job` JSON is buffered whole by the generated server, whatever the client calls it.
            return name == "file" || (hasFileName && name != "job")
        }
        return false
    }

    /// The first index of `needle` in `haystack` at or after `start`.
    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard let first = needle.first, haystack.count - start >= needle.count else { return nil }
        return haystack.withUnsafeBufferPointer { buffer -> Int? in
            var position = start
            let last = buffer.count - needle.count
            while position <= last {
                guard let hit = memchr(buffer.baseAddress! + position, Int32(first), last - position + 1) else { return nil }
                let offset = buffer.baseAddress!.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                if memcmp(buffer.baseAddress! + offset, needle, needle.count) == 0 { return offset }
                position = offset + 1
            }
            return nil
        }
    }
}
