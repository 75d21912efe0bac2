import Foundation

/// Where callbacks and webhooks may go. URLs come from API clients, webhook managers and sidecar tickets
/// anyone can drop, so by default the agent posts only to public addresses: it never reaches its own
/// machine, the link-local metadata service (169.254.169.254) or the shop's LAN unless that network is
/// listed in `callbacks.allowed_networks`. `callbacks.allowed_hosts`, when given, narrows further by name.
///
/// Names are judged twice: the URL when it is given (`refusal(for:)`, which can only judge literal
/// addresses), and the address each attempt actually connects to (`refusal(forConnectingTo:)`, called from
/// libcurl's socket callback), so a name that resolves to 127.0.0.1, now or after a DNS change, is refused.
public struct CallbackHostPolicy: Sendable, Hashable {
    public var allowedHosts: [String]?
    public var allowedNetworks: [IPNetwork]

    public init(allowedHosts: [String]? = nil, allowedNetworks: [IPNetwork] = []) {
        self.allowedHosts = allowedHosts.map { $0.map { $0.lowercased() } }
        self.allowedNetworks = allowedNetworks
    }

    public func permits(_ url: String) -> Bool { refusal(for: url) == nil }

    /// Why `url` is refused, in words for a 422, a config message or the delivery log; nil when it may be
    /// tried (the address it resolves to is judged again at every attempt).
    public func refusal(for url: String) -> String? {
        guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""),
              let host = parsed.host?.lowercased(), !host.isEmpty else {
            return "it must be an absolute http or https URL"
        }
        if let allowedHosts, !allowedHosts.contains(where: { pattern in
            pattern.hasPrefix("*.") ? host.hasSuffix(pattern.dropFirst(1)) : host == pattern
        }) {
            return "\(host) is not among callbacks.allowed_hosts (\(allowedHosts.joined(separator: ", ")))"
        }
        if let address = IPAddress(literal: host) { return refusal(forConnectingTo: address) }
        if host == "localhost" || host.hasSuffix(".localhost") {
            return refusal(forConnectingTo: .v4(0x7f00_0001))
        }
        return nil
    }

    /// Why a connection to `address` is refused; nil when it is a public address or in a listed network.
    public func refusal(forConnectingTo address: IPAddress) -> String? {
        if allowedNetworks.contains(where: { $0.contains(address) }) { return nil }
        guard let range = Self.reservedRanges.first(where: { $0.network.contains(address) }) else { return nil }
        return "\(address) is \(range.kind); callbacks go there only when callbacks.allowed_networks lists its network"
    }

    /// Ranges that are never public: special-purpose (always refused unless listed) and private (the
    /// shop's own networks, refused unless listed). IPv4-mapped and -compatible IPv6 forms match their
    /// IPv4 range (`IPNetwork.contains`).
    static let reservedRanges: [(network: IPNetwork, kind: String)] = [
        ("0.0.0.0/8", "an unspecified address"), ("127.0.0.0/8", "a loopback address"),
        ("169.254.0.0/16", "a link-local address"), ("224.0.0.0/4", "a multicast address"),
        ("240.0.0.0/4", "a reserved or broadcast address"),
        ("10.0.0.0/8", "a private address"), ("172.16.0.0/12", "a private address"), ("192.168.0.0/16", "a private address"),
        ("100.64.0.0/10", "a shared (carrier-grade NAT) address"),
        ("::/128", "an unspecified address"), ("::1/128", "a loopback address"), ("fe80::/10", "a link-local address"),
        ("fec0::/10", "a site-local address"), ("ff00::/8", "a multicast address"), ("fc00::/7", "a private address"),
    ].map { (IPNetwork($0.0)!, $0.1) }
}
