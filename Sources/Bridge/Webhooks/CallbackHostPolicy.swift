import Foundation

/// Where callbacks may point (`callbacks.allowed_hosts`): any http or https URL when no list is given,
/// else only those whose host is on it ("erp.example.com", or "*.example.com" for its subdomains). Keeps a
/// job created through the API from making the agent post into the shop's internal network.
public struct CallbackHostPolicy: Sendable, Hashable {
    public var allowedHosts: [String]?

    public init(allowedHosts: [String]? = nil) {
        self.allowedHosts = allowedHosts.map { $0.map { $0.lowercased() } }
    }

    public func permits(_ url: String) -> Bool {
        guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""),
              let host = parsed.host?.lowercased(), !host.isEmpty else { return false }
        guard let allowedHosts else { return true }
        return allowedHosts.contains { pattern in
            pattern.hasPrefix("*.") ? host.hasSuffix(pattern.dropFirst(1)) : host == pattern
        }
    }

    /// Why `url` is refused, in words for a 422 or a config message.
    public func refusal(for url: String) -> String? {
        guard !permits(url) else { return nil }
        if let allowedHosts, let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? "") {
            return "\(parsed.host ?? url) is not among callbacks.allowed_hosts (\(allowedHosts.joined(separator: ", ")))"
        }
        return "it must be an absolute http or https URL"
    }
}
