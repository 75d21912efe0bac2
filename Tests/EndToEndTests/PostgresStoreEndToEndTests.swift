import Foundation
import TestFixtures
import Testing

/// The agent on a PostgreSQL store (`store: postgres://...`), on the server `make test` starts: a dropped
/// file runs through to print_ready, the API and the commands read the job from PostgreSQL, and nothing is
/// kept in SQLite. Under CI a missing server fails these tests; elsewhere they wait for one.
@Suite(.serialized, .enabled(if: TestPostgres.server != nil || ProcessInfo.processInfo.environment["CI"] == "true"))
struct PostgresStoreEndToEndTests {

    /// A new, empty database on the test server, as its URL.
    static func freshDatabase() throws -> String {
        let server = try #require(TestPostgres.server, "no PostgreSQL server: run the suites with make test, which starts one (HFA_POSTGRES_URL)")
        let name = "agent_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let created = try runProgram("psql", [server, "-q", "-c", "CREATE DATABASE \(name)"], includingErrors: true)
        #expect(created.status == 0, "\(created.output)")
        return String(server[..<(server.lastIndex(of: "/") ?? server.endIndex)]) + "/" + name
    }

    @Test func aJobRunsThroughOnPostgreSQLAndTheAPIAndCommandsReadIt() async throws {
        let url = try Self.freshDatabase()
        let agent = try RunningAgent(topLevel: "store: \(url)\n")
        let checked = try agent.cli(["check-config"])
        #expect(checked.contains("ok"))
        // The test server offers TLS; the URL names no sslmode, so psql's default (prefer) takes it.
        if ProcessInfo.processInfo.environment["HFA_POSTGRES_CA"] != nil { #expect(checked.contains("TLS (sslmode=prefer)"), "\(checked)") }
        let token = try agent.cli(["token", "create", "--name", "mis", "--scopes", "jobs:read"]).trimmingCharacters(in: .whitespacesAndNewlines)
        try await agent.start()
        defer { agent.stop() }
        try agent.drop(PDFFixture.businessCard(pages: 2), as: "card.pdf")
        let jobs = try await agent.waitForTerminalJobs(1)
        #expect(jobs.first?["status"] as? String == "print_ready", "\(jobs)")
        let id = try #require(jobs.first?["id"] as? String)
        let port = try await agent.bridgePort()
        let listed = try await sendHTTP("GET", port: port, "/api/v1/jobs", bearer: token).json["jobs"] as? [[String: Any]] ?? []
        #expect(listed.map { $0["id"] as? String } == [id])
        let events = try await sendHTTP("GET", port: port, "/api/v1/events?after=0", bearer: token).json["events"] as? [[String: Any]] ?? []
        #expect(events.compactMap { $0["sequence"] as? Int } == Array(1...events.count), "the feed from PostgreSQL, gap-free")
        #expect(try agent.cli(["jobs", "show", id]).contains("print_ready"))
        // Nothing of the job in SQLite: the state directory keeps workspaces and keys only.
        #expect(!FileManager.default.fileExists(atPath: agent.directory.appendingPathComponent("state/jobs.sqlite").path))
    }

    @Test func aServerThatDoesNotAnswerIsNamedInWords() throws {
        // A port nothing listens on: the test server's, plus one, is free in practice; any refusal will do.
        let agent = try RunningAgent(topLevel: "store: postgres://hfa:secret@127.0.0.1:1/hfa\n")
        let check = try runProgram(RunningAgent.binary, ["check-config", "--config", agent.configPath], includingErrors: true)
        #expect(check.status == 1)
        #expect(check.output.contains("the job store postgres://hfa@127.0.0.1:1/hfa cannot be used"), "\(check.output)")
        #expect(!check.output.contains("secret"), "the password is never printed")
    }
}

/// The PostgreSQL server of this test run, when there is one.
enum TestPostgres {
    static var server: String? { ProcessInfo.processInfo.environment["HFA_POSTGRES_URL"] }
}
