import Foundation
import Logging

/// The agent's log lines: one line per event, metadata as sorted key=value pairs (job, hotfolder, stage,
/// requestId, ...) so `journalctl -u hotfolder-agent | grep job=01J...` finds a job's whole story.
struct AgentLogHandler: LogHandler {
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level
    let label: String
    let format: LogFormat
    let colours: Bool
    let write: @Sendable (String) -> Void

    init(label: String, level: Logger.Level, format: LogFormat, colours: Bool = false,
         write: @escaping @Sendable (String) -> Void = AgentLogHandler.writeToStandardError) {
        self.label = label
        self.logLevel = level
        self.format = format
        self.colours = colours
        self.write = write
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        if let error = event.error, merged["error"] == nil { merged["error"] = "\(error)" }
        write(line(level: event.level, message: event.message.description, metadata: merged, date: Date()) + "\n")
    }

    func line(level: Logger.Level, message: String, metadata: Logger.Metadata, date: Date) -> String {
        switch format {
        case .json:
            var object: [String: Any] = ["time": Self.timestamp(date), "level": level.rawValue, "message": message, "logger": label]
            for (key, value) in metadata where object[key] == nil { object[key] = Self.jsonValue(value) }
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
            return String(decoding: data, as: UTF8.self)
        case .journal:
            return "<\(Self.priority(level))>" + Self.escaped(message) + Self.pairs(metadata)
        case .text, .auto:
            let name = level.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)
            let shown = colours ? Self.colour(level) + name + "\u{1B}[0m" : name
            return Self.timestamp(date) + " " + shown + Self.escaped(message) + Self.pairs(metadata)
        }
    }

    /// syslog priorities, as journald reads them from the `<N>` prefix.
    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    static func pairs(_ metadata: Logger.Metadata) -> String {
        metadata.sorted { $0.key < $1.key }.map { " \($0.key)=\(quoted("\($0.value)"))" }.joined()
    }

    /// Bare when it is one plain word, else in double quotes; never spans lines.
    static func quoted(_ value: String) -> String {
        let plain = !value.isEmpty && value.unicodeScalars.allSatisfy { $0.value > 32 && $0.value < 127 && $0 != "\"" && $0 != "=" && $0 != "\\" }
        if plain { return value }
        return "\"" + escaped(value).replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// A message on one line: a multi-line text (a config error list) would otherwise become several events.
    static func escaped(_ text: String) -> String {
        guard text.contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\\" }) else { return text }
        return text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\r", with: "\\r")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    static func jsonValue(_ value: Logger.Metadata.Value) -> Any {
        switch value {
        case .string(let text): text
        case .stringConvertible(let convertible): convertible.description
        case .array(let values): values.map(jsonValue)
        case .dictionary(let values): values.mapValues(jsonValue)
        }
    }

    static func colour(_ level: Logger.Level) -> String {
        switch level {
        case .trace, .debug: "\u{1B}[2m"
        case .info: "\u{1B}[32m"
        case .notice: "\u{1B}[36m"
        case .warning: "\u{1B}[33m"
        case .error, .critical: "\u{1B}[31m"
        }
    }

    static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }

    /// One write(2) per line, so lines from several threads never interleave.
    @Sendable static func writeToStandardError(_ line: String) {
        let bytes = Array(line.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Foundation.write(STDERR_FILENO, $0.baseAddress! + offset, $0.count - offset) }
            if written <= 0 {
                if errno == EINTR { continue }
                return
            }
            offset += written
        }
    }
}
