import Crypto
import Foundation

/// The capability in a proof-page link: the job id and an expiry, signed with HMAC-SHA256.
///
/// Customers open the proof page from an e-mail without an API token; whoever has the link may look and
/// decide, until it expires. Nothing is stored per link, so links survive restarts and cost nothing.
struct ProofLink: Sendable {
    let key: SymmetricKey

    init(key: Data) { self.key = SymmetricKey(data: key) }

    /// `<expiry unix seconds>.<base64url signature>`
    func token(for id: JobID, expires: Date) -> String {
        let expiry = Int64(expires.timeIntervalSince1970)
        return "\(expiry).\(Self.base64url(signature(id: id, expiry: expiry)))"
    }

    enum Verdict: Equatable { case valid, expired, invalid }

    func verify(_ token: String, for id: JobID, now: Date = Date()) -> Verdict {
        let parts = token.split(separator: ".", maxSplits: 1)
        guard parts.count == 2, let expiry = Int64(parts[0]), let mac = Self.data(base64url: String(parts[1])) else { return .invalid }
        let message = Data("\(id.rawValue).\(expiry)".utf8)
        guard HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: message, using: key) else { return .invalid }
        return Double(expiry) > now.timeIntervalSince1970 ? .valid : .expired
    }

    private func signature(id: JobID, expiry: Int64) -> Data {
        Data(HMAC<SHA256>.authenticationCode(for: Data("\(id.rawValue).\(expiry)".utf8), using: key))
    }

    static func base64url(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func data(base64url text: String) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }
}
