import ArgumentParser

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print the agent's version.")

    @OptionGroup var options: ConfigOption

    func run() {
        print("hotfolder-agent \(HotfolderAgent.version)")
    }
}
