import Crypto
import Foundation
import JobStore

/// The capability in a proof-page link, signed with HMAC-SHA256: which job, what it allows (looking, or
/// looking and deciding), the job's proof-link epoch it was minted in, and an expiry.
///
/// Customers open the proof page from an e-mail without an API token, so the link is the permission. A
/// `jobs:read` view and the event feed carry view links; decide links go only to `jobs:approve` holders
/// and to the job's own callback URL. A new proof (the job enters proofing again) or a revocation moves the
/// job's epoch on, and every older link stops working. Nothing is stored per link.
struct ProofLink: Sendable {
    enum Capability: String, Sendable { case view = "v", decide = "d" }

    let key: SymmetricKey

    init(key: Data) { self.key = SymmetricKey(data: key) }

    /// `<expiry unix seconds>.<capability>.<epoch>.<base64url signature>`
    func token(for id: JobID, capability: Capability, epoch: Int, expires: Date) -> String {
        let expiry = Int64(expires.timeIntervalSince1970)
        let claims = "\(expiry).\(capability.rawValue).\(epoch)"
        return claims + "." + Self.base64url(signature(id: id, claims: claims))
    }

    enum Verdict: Equatable {
        /// Minted for the job's current proof: what it allows.
        case valid(Capability)
        case expired
        /// Minted before the job's current proof, or revoked.
        case superseded
        case invalid
    }

    func verify(_ token: String, for id: JobID, currentEpoch: Int, now: Date = Date()) -> Verdict {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 4, let expiry = Int64(parts[0]), let capability = Capability(rawValue: parts[1]),
              let epoch = Int(parts[2]), let mac = Self.data(base64url: parts[3]) else { return .invalid }
        let claims = parts[0...2].joined(separator: ".")
        guard HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: Data("\(id.rawValue).\(claims)".utf8), using: key)
        else { return .invalid }
        guard Double(expiry) > now.timeIntervalSince1970 else { return .expired }
        guard epoch == currentEpoch else { return .superseded }
        return .valid(capability)
    }

    private func signature(id: JobID, claims: String) -> Data {
        Data(HMAC<SHA256>.authenticationCode(for: Data("\(id.rawValue).\(claims)".utf8), using: key))
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
