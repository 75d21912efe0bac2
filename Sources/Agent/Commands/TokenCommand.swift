import ArgumentParser
import Bridge
import Foundation
import JobStore
import Logging

/// API tokens for the bridge. The secret is printed once at creation; the store keeps only its SHA-256.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Create, list and revoke API tokens for the bridge.",
        subcommands: [Create.self, List.self, Revoke.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a token and print it once.")
        @OptionGroup var options: ConfigOption
        @Option(help: "A name for the token (who or what uses it), e.g. erp-prod.") var name: String
        @Option(help: "Comma-separated scopes: \(Scope.allCases.map(\.rawValue).joined(separator: ","))") var scopes: String

        func run() async throws {
            guard AccessToken.isValidName(name) else { throw ValidationError(AccessTokenError.invalidName(name).description) }
            let parsed: Set<Scope>
            do { parsed = try Scope.parseList(scopes) } catch { throw ValidationError(error.description) }
            let store = try await StoreOpener.open(options)
            let secret = AccessToken.generateSecret()
            do {
                try await store.createToken(AccessToken(name: name, sha256: AccessToken.hash(of: secret), scopes: parsed, createdAt: Date()))
            } catch let error as AccessTokenError {
                StandardError.print(error.description)
                throw ExitCode(1)
            }
            print(secret)
            StandardError.print("token '\(name)' created with scopes \(parsed.sorted().map(\.rawValue).joined(separator: ",")); "
                                + "this is the only time it is shown")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (names and scopes, never secrets).")
        @OptionGroup var options: ConfigOption

        func run() async throws {
            let tokens = try await StoreOpener.open(options).tokens()
            if tokens.isEmpty { print("no tokens") }
            for token in tokens {
                print([token.name, token.scopes.sorted().map(\.rawValue).joined(separator: ","),
                       "created " + JobJSON.timestamp(token.createdAt),
                       token.lastUsedAt.map { "last used " + JobJSON.timestamp($0) } ?? "never used"].joined(separator: "  "))
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token; requests with it fail at once.")
        @OptionGroup var options: ConfigOption
        @Argument(help: "The token's name.") var name: String

        func run() async throws {
            do {
                try await StoreOpener.open(options).revokeToken(named: name)
                print("token '\(name)' revoked")
            } catch let error as AccessTokenError {
                StandardError.print(error.description)
                throw ExitCode(1)
            }
        }
    }
}

/// The store for CLI commands that write to it (tokens, redeliveries); created when the agent has not run yet.
/// The command's process ends right after, which closes a PostgreSQL store's connections.
enum StoreOpener {
    static func open(_ options: ConfigOption) async throws -> any AgentStore {
        let configuration = try options.load(checksFilesystem: false)
        return try await StoreConnection.open(configuration, logger: Logger(label: "hotfolder-agent") { _ in SwiftLogNoOpLogHandler() }).store
    }
}
