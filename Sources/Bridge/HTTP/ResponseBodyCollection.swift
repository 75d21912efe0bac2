import HTTPTypes
import Hummingbird

extension ResponseBody {
    /// The whole body as one buffer, for middlewares that keep or hash an answer (JSON, never files).
    func collected() async throws -> ByteBuffer {
        let box = CollectedBody()
        try await write(CollectingWriter(target: box))
        return box.buffer
    }
}

/// A response body's bytes, gathered by `CollectingWriter` (used by one task at a time).
private final class CollectedBody: @unchecked Sendable {
    var buffer = ByteBuffer()
}

private struct CollectingWriter: ResponseBodyWriter {
    let target: CollectedBody

    mutating func write(_ buffer: ByteBuffer) async throws {
        var buffer = buffer
        target.buffer.writeBuffer(&buffer)
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
