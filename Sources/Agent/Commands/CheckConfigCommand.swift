import ArgumentParser

struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate the config: exit 0 when valid, else print FILE:LINE:COLUMN: message per problem and exit 1."
    )

    @OptionGroup var options: ConfigOption

    func run() throws {
        let configuration = try options.load()
        print("\(options.config): ok, \(configuration.hotfolders.count) hot folder(s): "
              + configuration.hotfolders.map(\.name).joined(separator: ", "))
    }
}
