import Foundation
import PostgresNIO

/// A `postgres://` or `postgresql://` URL as the config's `store:` gives it: user, password, host, port,
/// database, and `sslmode` (with `sslrootcert`), meaning what they mean to libpq and psql.
public struct PostgresURL: Sendable, Hashable {
    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String?
    public var sslMode: SSLMode
    /// `sslrootcert`: the CA certificates (PEM) a server's certificate is checked against; the system's
    /// when not given.
    public var rootCertificates: String?

    /// libpq's modes: whether TLS is used, and how much of the server's certificate is checked.
    public enum SSLMode: String, Sendable, Hashable, CaseIterable {
        /// Never TLS.
        case disable
        /// TLS when the server offers it, the certificate not checked (libpq's `allow` and `prefer`, the default).
        case allow, prefer
        /// TLS or no connection; the certificate not checked (encrypted, not authenticated).
        case require
        /// TLS, the certificate signed by a trusted CA (`sslrootcert`), whatever name it bears.
        case verifyCA = "verify-ca"
        /// TLS, the certificate signed by a trusted CA and naming the host: what to use across a network.
        case verifyFull = "verify-full"
    }

    public init(_ text: String) throws(PostgresURLError) {
        guard let components = URLComponents(string: text), ["postgres", "postgresql"].contains(components.scheme ?? ""),
              let host = components.host, !host.isEmpty else {
            throw .invalid("the store must be a URL such as postgres://hotfolder@db.example:5432/hotfolder")
        }
        guard let user = components.user, !user.isEmpty else { throw .invalid("the store's URL must name a user (postgres://USER@host/db)") }
        self.host = host
        port = components.port ?? 5432
        username = user.removingPercentEncoding ?? user
        password = components.password.map { $0.removingPercentEncoding ?? $0 }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? nil : path
        let mode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? SSLMode.prefer.rawValue
        guard let sslMode = SSLMode(rawValue: mode) else {
            throw .invalid("sslmode=\(mode) is not a mode; use one of " + SSLMode.allCases.map(\.rawValue).joined(separator: ", "))
        }
        self.sslMode = sslMode
        rootCertificates = components.queryItems?.first { $0.name == "sslrootcert" }?.value
        let known: Set = ["sslmode", "sslrootcert"]
        if let unknown = components.queryItems?.first(where: { !known.contains($0.name) }) {
            throw .invalid("the store's URL has '\(unknown.name)', which the agent does not use; it knows sslmode and sslrootcert")
        }
    }

    /// How TLS is set up for this URL's `sslmode`.
    var tlsConfiguration: TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        switch sslMode {
        case .verifyFull: tls.certificateVerification = .fullVerification
        case .verifyCA: tls.certificateVerification = .noHostnameVerification
        case .disable, .allow, .prefer, .require: tls.certificateVerification = .none
        }
        if let rootCertificates { tls.trustRoots = .file(rootCertificates) }
        return tls
    }

    /// The URL without its password, for logs and messages.
    public var redacted: String {
        "postgres://\(username)@\(host):\(port)/\(database ?? "")"
    }

    /// The settings of one connection to this URL; throws when the CA file cannot be read.
    public func connectionConfiguration() throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS = switch sslMode {
        case .disable: .disable
        case .allow, .prefer: .prefer(try NIOSSLContext(configuration: tlsConfiguration))
        case .require, .verifyCA, .verifyFull: .require(try NIOSSLContext(configuration: tlsConfiguration))
        }
        return PostgresConnection.Configuration(host: host, port: port, username: username, password: password, database: database, tls: tls)
    }

    /// The client settings for this URL.
    public var configuration: PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS = switch sslMode {
        case .disable: .disable
        case .allow, .prefer: .prefer(tlsConfiguration)
        case .require, .verifyCA, .verifyFull: .require(tlsConfiguration)
        }
        return PostgresClient.Configuration(host: host, port: port, username: username, password: password, database: database, tls: tls)
    }
}

public enum PostgresURLError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalid(String)

    public var description: String {
        switch self {
        case .invalid(let message): message
        }
    }
}
