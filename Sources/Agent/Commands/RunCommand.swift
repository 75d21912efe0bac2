import ArgumentParser
import Bridge
import Foundation
import Logging
import ServiceLifecycle

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run the agent in the foreground.")

    @OptionGroup var options: ConfigOption

    @Option(help: "Lowest log level shown: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    func run() async throws {
        let configuration = try options.load()
        let level = logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "hotfolder.agent")
        let agent = try await AgentRuntime(configuration: configuration, logger: logger)
        try await agent.run()
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
