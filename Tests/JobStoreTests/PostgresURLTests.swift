import JobStore
import Testing

/// The `store:` URL as an admin writes it, and what is wrong with one in words.
@Suite struct PostgresURLTests {
    @Test func aURLGivesHostPortUserPasswordAndDatabase() throws {
        let url = try PostgresURL("postgresql://hotfolder:s%40cret@db.example:6543/shop?sslmode=disable")
        #expect(url.host == "db.example" && url.port == 6543 && url.username == "hotfolder" && url.password == "s@cret")
        #expect(url.database == "shop" && url.sslMode == .disable)
        let plain = try PostgresURL("postgres://hfa@127.0.0.1/hfa")
        #expect(plain.port == 5432 && plain.password == nil && plain.sslMode == .prefer, "libpq's default")
        let checked = try PostgresURL("postgres://hfa@db.example/hfa?sslmode=verify-full&sslrootcert=/etc/ssl/shop-ca.pem")
        #expect(checked.sslMode == .verifyFull && checked.rootCertificates == "/etc/ssl/shop-ca.pem")
    }

    @Test func whatIsWrongIsSaidInWords() {
        #expect(throws: PostgresURLError.invalid("the store must be a URL such as postgres://hotfolder@db.example:5432/hotfolder")) {
            try PostgresURL("mysql://x@y/z")
        }
        #expect(throws: PostgresURLError.invalid("the store's URL must name a user (postgres://USER@host/db)")) {
            try PostgresURL("postgres://db.example/shop")
        }
        #expect(throws: PostgresURLError.invalid("sslmode=secure is not a mode; use one of disable, allow, prefer, require, verify-ca, verify-full")) {
            try PostgresURL("postgres://u@db.example/shop?sslmode=secure")
        }
        #expect(throws: PostgresURLError.invalid("the store's URL has 'connect_timeout', which the agent does not use; it knows sslmode and sslrootcert")) {
            try PostgresURL("postgres://u@db.example/shop?connect_timeout=5")
        }
    }
}
