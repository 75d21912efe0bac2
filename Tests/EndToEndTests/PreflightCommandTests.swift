import Foundation
import TestFixtures
import Testing

/// `hotfolder-agent preflight FILE`: exit codes and JSON as scripts use them.
@Suite struct PreflightCommandTests {
    /// Runs the binary; returns exit status and standard output.
    func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: RunningAgent.binary)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    func card() throws -> String {
        let path = try makeTemporaryDirectory("cli").appendingPathComponent("card.pdf").path
        try PDFFixture.businessCard(pages: 2).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func passingFileExitsZeroWithAJSONReport() throws {
        let (status, output) = try run(["preflight", try card(), "--trim", "85x55mm", "--bleed", "3mm", "--pages", "2", "--json"])
        #expect(status == 0)
        let report = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any]
        #expect(report?["result"] as? String == "pass")
        #expect((report?["file"] as? [String: Any])?["sha256"] as? String != nil)
    }

    @Test func failingFileExitsOne() throws {
        let (status, output) = try run(["preflight", try card(), "--trim", "90x50mm"])
        #expect(status == 1)
        #expect(output.contains("FAIL") && output.contains("page.size"))
    }

    @Test func unreadableFileIsAFailNotACrash() throws {
        let (status, output) = try run(["preflight", Corpus.file("fc_encryption_openpassword.pdf").path, "--json"])
        #expect(status == 1)
        #expect(output.contains("file.encrypted"))
    }

    @Test func usageErrorsAndMissingFilesExitTwo() throws {
        #expect(try run(["preflight", "/nonexistent.pdf"]).status == 2)
        #expect(try run(["preflight", try card(), "--trim", "85x55"]).status == 2)
        #expect(try run(["preflight", try card(), "--profile", "strict"]).status == 2)
        #expect(try run(["preflight", "--no-such-option"]).status == 2)
    }
}
