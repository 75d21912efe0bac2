/// Lowercase hex of bytes (SHA-256 digests for files, tokens and requests), without a formatter per byte:
/// token hashing runs on every API request.
extension Sequence where Element == UInt8 {
    public var hexadecimal: String {
        let digits = Array("0123456789abcdef".utf8)
        var characters: [UInt8] = []
        characters.reserveCapacity(underestimatedCount * 2)
        for byte in self {
            characters.append(digits[Int(byte >> 4)])
            characters.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: characters, as: UTF8.self)
    }
}
