import ArgumentParser
import Foundation

/// How the agent writes its log lines to standard error.
enum LogFormat: String, CaseIterable, Sendable, ExpressibleByArgument {
    /// journal under systemd, text elsewhere.
    case auto
    /// One line per event: time, level, message, key=value metadata; coloured levels on a terminal.
    case text
    /// For journald: a `<N>` syslog priority prefix (journald keeps the time), then message and key=value.
    case journal
    /// One JSON object per line, for log shippers.
    case json

    /// `auto` made concrete: journal when standard error is the stream systemd's journal gave us
    /// (JOURNAL_STREAM names its device and inode), text otherwise.
    func resolved(environment: [String: String] = ProcessInfo.processInfo.environment) -> LogFormat {
        guard self == .auto else { return self }
        return Self.standardErrorIsJournal(environment["JOURNAL_STREAM"]) ? .journal : .text
    }

    static func standardErrorIsJournal(_ variable: String?) -> Bool {
        guard let parts = variable?.split(separator: ":"), parts.count == 2,
              let device = UInt64(parts[0]), let inode = UInt64(parts[1]) else { return false }
        var status = stat()
        guard fstat(STDERR_FILENO, &status) == 0 else { return false }
        return UInt64(status.st_dev) == device && UInt64(status.st_ino) == inode
    }
}
