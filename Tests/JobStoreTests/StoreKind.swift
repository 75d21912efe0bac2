import Foundation
import JobStore
import TestFixtures
import Testing

/// Everything the agent and the bridge ask of a store, in one existential: what a contract test holds each
/// implementation to.
typealias CompleteStore = JobStore & DeliveryStore & RetentionStore & WebhookStore & AccessTokenStore

/// The store implementations the contract tests run on, each on real storage: SQLite in a file of its own
/// per test.
enum StoreKind: String, Sendable, CaseIterable, CustomTestStringConvertible {
    case sqlite

    /// The kinds this run can test.
    static var available: [StoreKind] { allCases }

    var testDescription: String { rawValue }

    /// A new, empty store of this kind.
    func makeStore() async throws -> any CompleteStore {
        switch self {
        case .sqlite:
            try SQLiteJobStore(path: try makeTemporaryDirectory("store").appendingPathComponent("jobs.sqlite").path)
        }
    }
}
