import ArgumentParser
import Foundation
import Logging

struct CheckConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate the config: exit 0 when valid, else print FILE:LINE:COLUMN: message per problem and exit 1."
    )

    @OptionGroup var options: ConfigOption

    func run() async throws {
        let configuration = try options.load()
        // A PostgreSQL store must answer: a config naming one that does not is not ready to run.
        let store: String
        do {
            store = try await StoreConnection.check(configuration, logger: Logger(label: "hotfolder-agent") { _ in SwiftLogNoOpLogHandler() })
        } catch {
            StandardError.print("\(options.config): store: \(error)")
            throw ExitCode(1)
        }
        print("\(options.config): ok, \(configuration.hotfolders.count) hot folder(s): "
              + configuration.hotfolders.map(\.name).joined(separator: ", ") + "; store: " + store)
    }
}
