import ArgumentParser

@main
struct HotfolderAgent: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "hotfolder-agent",
        abstract: "Watches print-shop hot folders and takes every dropped file through preflight, proof and print-ready.",
        version: version,
        subcommands: [RunCommand.self, CheckConfigCommand.self, JobsCommand.self, TokenCommand.self, CallbacksCommand.self, PreflightCommand.self, ProofCommand.self, PrintReadyCommand.self, VersionCommand.self, WorkCommand.self]
    )

    /// As ArgumentParser's, except that usage errors exit 2 (the Unix convention scripts test for), not 64.
    static func main() async {
        // A worker arms its lifeline before anything else, so it cannot outlive an agent that died early.
        if CommandLine.arguments.dropFirst().first == WorkCommand.configuration.commandName {
            WorkerLifeline.watchFromWorker()
        }
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                StandardError.print(fullMessage(for: error))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}

/// `--config F`, which every subcommand takes.
struct ConfigOption: ParsableArguments {
    @Option(name: .long, help: "The YAML config file.")
    var config: String = "/etc/hotfolder-agent/hotfolders.yaml"

    /// Loads the config, printing every problem as FILE:LINE:COLUMN: message and exiting 1 when invalid.
    func load(checksFilesystem: Bool = true) throws -> AgentConfiguration {
        do {
            return try ConfigLoader(checksFilesystem: checksFilesystem).load(path: config)
        } catch {
            StandardError.print(error.description)
            throw ExitCode(1)
        }
    }
}

enum StandardError {
    /// Writes a line to stderr, ignoring failures: a worker's stderr is a log file that a full disk can refuse,
    /// and FileHandle's non-throwing `write` traps then.
    static func print(_ text: String) {
        try? FileHandle.standardError.write(contentsOf: Data((text + "\n").utf8))
    }
}

import Foundation
