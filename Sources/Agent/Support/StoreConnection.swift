import Foundation
import JobStore
import Logging

/// Opens the store the config names, for the agent and for the commands that read or change it, and
/// closes it again. What goes wrong is said in words (which server, what it answered); the driver's own
/// error goes to the log.
struct StoreConnection: Sendable {
    let store: any AgentStore
    private let closing: @Sendable () async -> Void

    /// The configured store, made and brought up to date when it is new.
    static func open(_ configuration: AgentConfiguration, logger: Logger) async throws -> StoreConnection {
        switch configuration.store {
        case .sqlite:
            try FileOperations.createDirectory(configuration.stateDirectory)
            return StoreConnection(store: try SQLiteJobStore(path: configuration.databasePath), closing: {})
        case .postgres(let url):
            do {
                let store = try await PostgresJobStore(url: url, logger: logger, idleTransactionLimit: configuration.node.idleTransactionLimit)
                return StoreConnection(store: store, closing: { await store.shutdown() })
            } catch {
                logger.error("cannot open the PostgreSQL store", metadata: ["store": "\(url.redacted)", "error": "\(String(reflecting: error))"])
                throw PostgresStoreFailure(url: url, cause: error)
            }
        }
    }

    /// Whether the configured store can be reached, without changing it: what `check-config` asks. Says
    /// what was reached, in a few words.
    static func check(_ configuration: AgentConfiguration, logger: Logger) async throws -> String {
        guard case .postgres(let url) = configuration.store else { return "SQLite in the state directory" }
        do {
            let encrypted = try await PostgresJobStore.check(url, logger: logger)
            return "PostgreSQL \(url.redacted), " + (encrypted ? "TLS (sslmode=\(url.sslMode.rawValue))" : "not encrypted")
        } catch {
            logger.debug("the PostgreSQL store cannot be reached", metadata: ["store": "\(url.redacted)", "error": "\(String(reflecting: error))"])
            throw PostgresStoreFailure(url: url, cause: error)
        }
    }

    func close() async { await closing() }
}
