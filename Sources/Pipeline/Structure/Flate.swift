import CZlib
import Foundation

/// zlib's deflate, for data the agent writes anew (converted images and content): qpdf keeps every
/// other stream as it was, so it does not compress these for us.
enum Flate {
    static func compress(_ data: Data) -> Data? {
        var bound = compressBound(uLong(data.count))
        var output = [UInt8](repeating: 0, count: Int(bound))
        let status = data.withUnsafeBytes { input in
            compress2(&output, &bound, input.bindMemory(to: Bytef.self).baseAddress, uLong(data.count), 6)
        }
        guard status == Z_OK else { return nil }
        return Data(output.prefix(Int(bound)))
    }
}
