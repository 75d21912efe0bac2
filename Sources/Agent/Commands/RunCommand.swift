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

    @Option(help: "Log line format: auto (journal under systemd, else text), text, journal, json.")
    var logFormat: LogFormat = .auto

    func run() async throws {
        MemoryTrimmer.limitArenas()
        let level = logLevel
        let format = logFormat.resolved()
        let colours = format == .text && isatty(STDERR_FILENO) == 1
        LoggingSystem.bootstrap { label in AgentLogHandler(label: label, level: level, format: format, colours: colours) }
        let configuration = try options.load()
        let logger = Logger(label: "hotfolder.agent")
        let agent: AgentRuntime
        do {
            agent = try await AgentRuntime(configuration: configuration, logger: logger)
        } catch let failure as InstanceLock.Failure {
            StandardError.print(failure.description)
            throw ExitCode(1)
        }
        try await agent.run()
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
