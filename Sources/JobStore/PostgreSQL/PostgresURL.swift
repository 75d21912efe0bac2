import Foundation
import PostgresNIO

/// A `postgres://` or `postgresql://` URL as the config's `store:` gives it: user, password, host, port,
/// database, and `sslmode`.
public struct PostgresURL: Sendable, Hashable {
    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String?
    public var sslMode: String

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
        sslMode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "disable"
        guard sslMode == "disable" else {
            throw .invalid("sslmode=\(sslMode) is not supported yet; use sslmode=disable on a trusted network")
        }
    }

    /// The URL without its password, for logs and messages.
    public var redacted: String {
        "postgres://\(username)@\(host):\(port)/\(database ?? "")"
    }

    /// The settings of one connection to this URL.
    public var connectionConfiguration: PostgresConnection.Configuration {
        PostgresConnection.Configuration(host: host, port: port, username: username, password: password, database: database, tls: .disable)
    }

    /// The client settings for this URL.
    public var configuration: PostgresClient.Configuration {
        PostgresClient.Configuration(host: host, port: port, username: username, password: password, database: database, tls: .disable)
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
