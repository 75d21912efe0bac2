import Foundation

/// An IPv4 or IPv6 address as the kernel sees it, so the outbound check judges the address a transfer
/// connects to rather than the way a URL spells it ("2130706433", "0x7f.1", "[::ffff:127.0.0.1]").
public enum IPAddress: Sendable, Hashable, CustomStringConvertible {
    case v4(UInt32)
    case v6([UInt8])

    /// A literal address: dotted IPv4 in any of the forms inet_aton takes (decimal, octal, hex, short), or
    /// IPv6 with or without brackets. Nil for a host name.
    public init?(literal text: String) {
        let trimmed = text.hasPrefix("[") && text.hasSuffix("]") ? String(text.dropFirst().dropLast()) : text
        var v4 = in_addr()
        var v6 = in6_addr()
        if !trimmed.contains(":"), inet_aton(trimmed, &v4) != 0 {
            self = .v4(UInt32(bigEndian: v4.s_addr))
        } else if inet_pton(AF_INET6, trimmed.split(separator: "%").first.map(String.init) ?? trimmed, &v6) == 1 {
            self.init(v6: v6)
        } else {
            return nil
        }
    }

    init(v6 address: in6_addr) {
        var copy = address
        self = .v6(withUnsafeBytes(of: &copy) { Array($0) })
    }

    /// The address a socket address names (AF_INET or AF_INET6), nil for other families.
    init?(socketAddress pointer: UnsafeRawPointer, family: Int32) {
        switch family {
        case AF_INET: self = .v4(UInt32(bigEndian: pointer.loadUnaligned(as: sockaddr_in.self).sin_addr.s_addr))
        case AF_INET6: self.init(v6: pointer.loadUnaligned(as: sockaddr_in6.self).sin6_addr)
        default: return nil
        }
    }

    /// The IPv4 address an IPv6 one embeds when it is IPv4-mapped (::ffff:a.b.c.d) or IPv4-compatible
    /// (::a.b.c.d): a connection to it reaches that IPv4 address.
    var embeddedIPv4: UInt32? {
        guard case .v6(let bytes) = self, bytes[0..<10].allSatisfy({ $0 == 0 }) else { return nil }
        let embedded = bytes[12...].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        let mapped = bytes[10] == 0xff && bytes[11] == 0xff
        // :: and ::1 are IPv6's own unspecified and loopback addresses, not IPv4-compatible ones.
        let compatible = bytes[10] == 0 && bytes[11] == 0 && embedded > 1
        return mapped || compatible ? embedded : nil
    }

    public var description: String {
        switch self {
        case .v4(let value):
            return [24, 16, 8, 0].map { String((value >> UInt32($0)) & 0xff) }.joined(separator: ".")
        case .v6(let bytes):
            var address = in6_addr()
            withUnsafeMutableBytes(of: &address) { $0.copyBytes(from: bytes) }
            var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            inet_ntop(AF_INET6, &address, &text, socklen_t(text.count))
            return String(cString: text)
        }
    }
}

/// An address range in CIDR form ("10.0.0.0/8", "fd00::/8"), as `callbacks.allowed_networks` lists them.
public struct IPNetwork: Sendable, Hashable, CustomStringConvertible {
    public let address: IPAddress
    public let prefixLength: Int

    public init?(_ text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "/", maxSplits: 1).map(String.init)
        guard let first = parts.first, let address = IPAddress(literal: first), first.contains(":") || first.split(separator: ".").count == 4
        else { return nil }
        let bits = if case .v4 = address { 32 } else { 128 }
        let length = parts.count == 2 ? Int(parts[1]) : bits
        guard let length, (0...bits).contains(length) else { return nil }
        self.address = address
        prefixLength = length
    }

    public func contains(_ candidate: IPAddress) -> Bool {
        switch (address, candidate) {
        case (.v4(let network), .v4(let value)):
            guard prefixLength > 0 else { return true }
            let mask = UInt32.max << UInt32(32 - prefixLength)
            return network & mask == value & mask
        case (.v6(let network), .v6(let value)):
            var remaining = prefixLength
            for index in 0..<16 where remaining > 0 {
                let bits = min(8, remaining)
                let mask = UInt8(truncatingIfNeeded: 0xff << (8 - bits))
                if network[index] & mask != value[index] & mask { return false }
                remaining -= bits
            }
            return true
        case (.v4, .v6):
            return candidate.embeddedIPv4.map { contains(.v4($0)) } ?? false
        case (.v6, .v4):
            return false
        }
    }

    public var description: String { "\(address)/\(prefixLength)" }
}
