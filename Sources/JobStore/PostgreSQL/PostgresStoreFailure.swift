import PostgresNIO

/// A PostgreSQL store that cannot be used, in an admin's words: which server (never its password) and what
/// went wrong. The driver's own error is `cause`, for the log.
public struct PostgresStoreFailure: Error, CustomStringConvertible {
    public let url: PostgresURL
    public let cause: any Error

    public init(url: PostgresURL, cause: any Error) {
        self.url = url
        self.cause = cause
    }

    public var description: String { "the job store \(url.redacted) cannot be used: " + reason }

    private var reason: String {
        guard let error = cause as? PSQLError else { return "\(cause)" }
        if let message = error.serverInfo?[.message] { return "the server answered: \(message)" }
        if error.code == .sslUnsupported {
            return "the server does not offer TLS, which sslmode=\(url.sslMode.rawValue) asks for (turn ssl on at the server, or choose another sslmode)"
        }
        if error.underlying is NIOSSLError {
            return "the TLS handshake with \(url.host):\(url.port) failed: the server's certificate is not trusted for sslmode=\(url.sslMode.rawValue)"
                + (url.rootCertificates == nil ? " (name its CA with sslrootcert=/path/ca.pem)" : " with the CA in sslrootcert")
        }
        switch error.code {
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .unexpectedBackendMessage:
            return "the server does not answer at \(url.host):\(url.port) (is it running, and does it listen there?)"
        default:
            return "the connection failed (\(error.code))"
        }
    }
}
