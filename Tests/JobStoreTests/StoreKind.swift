import Foundation
import JobStore
import Logging
import TestFixtures
import Testing

/// Everything the agent and the bridge ask of a store, in one existential: what a contract test holds each
/// implementation to.
typealias CompleteStore = JobStore & DeliveryStore & RetentionStore & WebhookStore & AccessTokenStore

/// The store implementations the contract tests run on, each on real storage: SQLite in a file of its own
/// per test, PostgreSQL in a database of its own per test on the server `make test` starts
/// (`HFA_POSTGRES_URL`).
enum StoreKind: String, Sendable, CaseIterable, CustomTestStringConvertible {
    case sqlite
    case postgres

    /// The kinds the job-store contract runs on: PostgreSQL when a server is at hand, and always under CI,
    /// where a missing server is a failure, not a skip.
    static var available: [StoreKind] {
        let environment = ProcessInfo.processInfo.environment
        return environment["HFA_POSTGRES_URL"] != nil || environment["CI"] == "true" ? [.sqlite, .postgres] : [.sqlite]
    }

    /// The kinds that keep deliveries, tokens, webhooks and retention too: every kind.
    static var complete: [StoreKind] { available }

    var testDescription: String { rawValue }

    /// A new, empty job store of this kind.
    func makeStore() async throws -> any JobStore { try await makeCompleteStore() }

    /// A new, empty store of this kind that keeps everything.
    func makeCompleteStore() async throws -> any CompleteStore {
        switch self {
        case .sqlite: try SQLiteJobStore(path: try makeTemporaryDirectory("store").appendingPathComponent("jobs.sqlite").path)
        case .postgres: try await Self.freshPostgresStore()
        }
    }

    /// `count` stores of this kind on one new, empty database, as several agents share one: each its own
    /// connections (PostgreSQL) or its own connection pool on the one file (SQLite). They open one after
    /// the other, as agents started together do, racing to migrate.
    func makeStoresSharingOneDatabase(_ count: Int) async throws -> [any CompleteStore] {
        switch self {
        case .sqlite:
            let path = try makeTemporaryDirectory("store").appendingPathComponent("jobs.sqlite").path
            return try (0..<count).map { _ in try SQLiteJobStore(path: path) }
        case .postgres:
            let url = try Self.freshPostgresDatabase()
            return try await withThrowingTaskGroup(of: (any CompleteStore).self) { group in
                for _ in 0..<count {
                    group.addTask { try await PostgresJobStore(configuration: url.configuration, logger: Logger(label: "contract-tests")) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }
    }

    /// A database of its own on the test server, migrated by the store as the agent's first start would.
    private static func freshPostgresStore() async throws -> PostgresJobStore {
        try await PostgresJobStore(configuration: try freshPostgresDatabase().configuration, logger: Logger(label: "contract-tests"))
    }

    /// A new, empty database on the test server.
    private static func freshPostgresDatabase() throws -> PostgresURL {
        guard let server = ProcessInfo.processInfo.environment["HFA_POSTGRES_URL"] else {
            throw StoreKindError.noServer
        }
        let name = "contract_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let created = try runProgram("psql", [server, "-q", "-c", "CREATE DATABASE \(name)"], includingErrors: true)
        guard created.status == 0 else { throw StoreKindError.createFailed(created.output) }
        var url = try PostgresURL(server)
        url.database = name
        return url
    }
}

enum StoreKindError: Error, CustomStringConvertible {
    case noServer
    case createFailed(String)

    var description: String {
        switch self {
        case .noServer: "no PostgreSQL server for the contract tests: run them with make test, which starts one (HFA_POSTGRES_URL)"
        case .createFailed(let output): "cannot create a test database: \(output)"
        }
    }
}
