import Crypto
import Foundation

/// A named API token as the store keeps it: only the SHA-256 of the secret, never the secret itself.
public struct AccessToken: Sendable, Hashable {
    public var name: String
    public var sha256: String
    public var scopes: Set<Scope>
    public var createdAt: Date
    public var lastUsedAt: Date?

    public init(name: String, sha256: String, scopes: Set<Scope>, createdAt: Date, lastUsedAt: Date? = nil) {
        self.name = name
        self.sha256 = sha256
        self.scopes = scopes
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
    }

    /// A new secret: `hfa_` and 32 random bytes in base62, so it survives shells, URLs and YAML unquoted.
    public static func generateSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return "hfa_" + Base62.encode(bytes)
    }

    public static func hash(of secret: String) -> String {
        SHA256.hash(data: Data(secret.utf8)).hexadecimal
    }

    /// Token names appear in logs and CLI output: keep them to simple words.
    public static func isValidName(_ name: String) -> Bool {
        (1...64).contains(name.count) && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
    }
}

public enum AccessTokenError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownScope(String)
    case noScopes
    case invalidName(String)
    case nameTaken(String)
    case notFound(String)

    public var description: String {
        switch self {
        case .unknownScope(let scope):
            "unknown scope '\(scope)'; one of \(Scope.allCases.map(\.rawValue).joined(separator: ", "))"
        case .noScopes: "give at least one scope, e.g. --scopes jobs:read,jobs:write"
        case .invalidName(let name): "'\(name)' is not a usable token name: use 1 to 64 letters, digits, '-', '_' or '.'"
        case .nameTaken(let name): "a token named '\(name)' exists already; revoke it first or choose another name"
        case .notFound(let name): "there is no token named '\(name)'"
        }
    }
}

/// Base62 (0-9, A-Z, a-z) of a byte string, most significant digit first.
enum Base62 {
    static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")

    static func encode(_ bytes: [UInt8]) -> String {
        var number = bytes
        var digits: [Character] = []
        while number.contains(where: { $0 != 0 }) {
            // Long division of the big-endian number by 62.
            var remainder = 0
            for index in number.indices {
                let value = remainder * 256 + Int(number[index])
                number[index] = UInt8(value / 62)
                remainder = value % 62
            }
            digits.append(alphabet[remainder])
        }
        let leadingZeros = bytes.prefix { $0 == 0 }.count
        return String(repeating: "0", count: leadingZeros) + String(digits.reversed())
    }
}
