@testable import Agent
import Foundation
import Logging
import Testing

/// The log line formats admins and shippers read.
@Suite struct AgentLogHandlerTests {
    let date = Date(timeIntervalSince1970: 1_795_435_200.25)

    @Test func journalLinesCarryThePriorityAndSortedPairs() {
        let handler = AgentLogHandler(label: "hotfolder.agent", level: .info, format: .journal) { _ in }
        let line = handler.line(level: .warning, message: "inotify queue overflowed; rescanning the inbox",
                                metadata: ["stage": "intake", "hotfolder": "cards", "job": "01JQ"], date: date)
        #expect(line == "<4>inotify queue overflowed; rescanning the inbox hotfolder=cards job=01JQ stage=intake")
        #expect(handler.line(level: .error, message: "x", metadata: [:], date: date) == "<3>x")
        #expect(handler.line(level: .notice, message: "x", metadata: [:], date: date) == "<5>x")
        #expect(handler.line(level: .debug, message: "x", metadata: [:], date: date) == "<7>x")
    }

    @Test func valuesWithSpacesQuotesOrNewlinesStayOnOneLine() {
        let handler = AgentLogHandler(label: "l", level: .info, format: .journal) { _ in }
        let line = handler.line(level: .error, message: "config refused:\nline 2",
                                metadata: ["reason": "says \"no\"\nreally", "path": "/srv/hot folders/in"], date: date)
        #expect(line == #"<3>config refused:\nline 2 path="/srv/hot folders/in" reason="says \"no\"\nreally""#)
        #expect(!line.contains("\n"))
    }

    @Test func jsonLinesAreObjectsWithTheMetadataAsFields() throws {
        let handler = AgentLogHandler(label: "hotfolder.agent", level: .info, format: .json) { _ in }
        let line = handler.line(level: .info, message: "job print_ready", metadata: ["job": "01JQ", "hotfolder": "cards"], date: date)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        #expect(object["message"] == "job print_ready" && object["level"] == "info" && object["job"] == "01JQ")
        #expect(object["hotfolder"] == "cards" && object["time"]?.hasPrefix("2026-11-23T") == true)
    }

    @Test func textLinesStartWithTheTime() {
        let handler = AgentLogHandler(label: "l", level: .info, format: .text) { _ in }
        let line = handler.line(level: .info, message: "watching hot folder", metadata: ["hotfolder": "cards"], date: date)
        #expect(line.hasPrefix("2026-11-23T"))
        #expect(line.hasSuffix("info     watching hot folder hotfolder=cards"))
    }

    @Test func autoIsTextUnlessStandardErrorIsTheJournalStream() {
        #expect(LogFormat.auto.resolved(environment: [:]) == .text)
        #expect(LogFormat.auto.resolved(environment: ["JOURNAL_STREAM": "1:2"]) == .text)
        #expect(LogFormat.json.resolved(environment: [:]) == .json)
        var status = stat()
        fstat(STDERR_FILENO, &status)
        #expect(LogFormat.auto.resolved(environment: ["JOURNAL_STREAM": "\(status.st_dev):\(status.st_ino)"]) == .journal)
    }
}
