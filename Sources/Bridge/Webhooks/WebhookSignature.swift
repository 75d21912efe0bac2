import Crypto
import Foundation

/// Standard Webhooks v1 signing (standardwebhooks.com): the receiver checks
/// `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">` with the secret it was given, so a
/// callback can be trusted and a replay detected by its timestamp.
public struct WebhookSignature: Sendable {
    private let key: SymmetricKey

    /// `secret` is `whsec_` and the base64 of the key (the prefix is optional, as in the reference libraries).
    public init(secret: String) throws(WebhookSecretError) {
        let encoded = secret.hasPrefix(Self.prefix) ? String(secret.dropFirst(Self.prefix.count)) : secret
        guard let key = Data(base64Encoded: encoded), key.count >= 16 else { throw .malformed }
        self.key = SymmetricKey(data: key)
    }

    static let prefix = "whsec_"

    /// The header value for one attempt.
    public func signature(id: String, timestamp: Int64, body: Data) -> String {
        var message = Data("\(id).\(timestamp).".utf8)
        message.append(body)
        return "v1," + Data(HMAC<SHA256>.authenticationCode(for: message, using: key)).base64EncodedString()
    }

    /// A new secret: `whsec_` and the base64 of 32 random bytes.
    public static func generateSecret() -> String {
        prefix + SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.base64EncodedString()
    }
}

public enum WebhookSecretError: Error, Sendable, Equatable, CustomStringConvertible {
    case malformed

    public var description: String {
        "a webhook secret is 'whsec_' followed by the base64 of at least 16 random bytes (32 recommended)"
    }
}
