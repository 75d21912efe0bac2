import Foundation
import JobStore
import Logging
import Testing

/// `sslmode` means what it means to psql, against the test server, which offers TLS with a self-signed
/// certificate for 127.0.0.1 (`HFA_POSTGRES_CA`, set by `make test`).
@Suite(.enabled(if: TestServerCertificate.path != nil || ProcessInfo.processInfo.environment["CI"] == "true"))
struct PostgresTLSTests {
    let logger = Logger(label: "tls-tests")

    private func url(_ query: String) throws -> PostgresURL {
        let server = try #require(ProcessInfo.processInfo.environment["HFA_POSTGRES_URL"], "no PostgreSQL server: run make test")
        return try PostgresURL(server + "?" + query)
    }

    @Test func eachModeEncryptsAndChecksAsPsqlDoes() async throws {
        let ca = try #require(TestServerCertificate.path)
        #expect(try await PostgresJobStore.check(try url("sslmode=disable"), logger: logger) == false)
        #expect(try await PostgresJobStore.check(try url("sslmode=prefer"), logger: logger) == true)
        #expect(try await PostgresJobStore.check(try url("sslmode=require"), logger: logger) == true, "encrypted, certificate unchecked")
        #expect(try await PostgresJobStore.check(try url("sslmode=verify-full&sslrootcert=\(ca)"), logger: logger) == true)
        // A store opened with the certificate checked works as any other.
        let store = try await PostgresJobStore(url: try url("sslmode=verify-full&sslrootcert=\(ca)"), logger: logger)
        #expect(try await store.lastEventSequence() >= 0)
        await store.shutdown()
    }

    @Test func anUntrustedCertificateIsRefusedInWords() async throws {
        let target = try url("sslmode=verify-full")
        do {
            try await PostgresJobStore.check(target, logger: logger)
            Issue.record("a self-signed certificate passed verify-full without its CA")
        } catch {
            let words = PostgresStoreFailure(url: target, cause: error).description
            #expect(words.contains("certificate is not trusted for sslmode=verify-full") && words.contains("sslrootcert"), "\(words)")
        }
    }
}

/// The test server's certificate, its own CA.
enum TestServerCertificate {
    static var path: String? { ProcessInfo.processInfo.environment["HFA_POSTGRES_CA"] }
}
