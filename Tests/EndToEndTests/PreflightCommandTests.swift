import Foundation
import TestFixtures
import Testing

/// `hotfolder-agent preflight FILE`: exit codes and JSON as scripts use them.
@Suite struct PreflightCommandTests {
    /// Runs the binary; returns exit status and standard output.
    func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try runProgram(RunningAgent.binary, arguments)
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

    @Test(.needsCorpus) func unreadableFileIsAFailNotACrash() throws {
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

@Suite struct PrintReadyCommandTests {
    @Test func writesBoxesAndMarksAndExitsZero() throws {
        let directory = try makeTemporaryDirectory("cli-print-ready")
        let input = directory.appendingPathComponent("card.pdf").path
        let output = directory.appendingPathComponent("card-ready.pdf").path
        try PDFFixture.businessCard(pages: 1).write(to: URL(fileURLWithPath: input))
        #expect(try runProgram(RunningAgent.binary, ["print-ready", input, "--out", output, "--trim", "85x55mm", "--bleed", "3mm",
                                                     "--marks", "crop"]).status == 0)
        // The slug for the crop marks (20 pt) would put the MediaBox's origin at -20: the page moves instead.
        #expect(try pdfinfoBox("TrimBox", of: output) == [28.50, 28.50, 269.45, 184.41])
        #expect(try pdfinfoBox("MediaBox", of: output) == [0, 0, 297.95, 212.91], "the slug for the crop marks, from the origin")
        #expect(try runTool("qpdf", "--check", output).contains("No syntax or stream encoding errors"))
    }

    @Test(.needsCorpus) func unreadableInputExitsOneAndUsageTwo() throws {
        let directory = try makeTemporaryDirectory("cli-print-ready")
        func status(_ arguments: [String]) throws -> Int32 { try runProgram(RunningAgent.binary, arguments).status }
        #expect(try status(["print-ready", Corpus.file("fc_minimal_test.pdf").path, "--out", directory.appendingPathComponent("x.pdf").path]) == 1)
        #expect(try status(["print-ready", Corpus.file("ocrmypdf_vector.pdf").path]) == 2, "--out is required")
        #expect(try status(["print-ready", "/nonexistent.pdf", "--out", "/tmp/x.pdf"]) == 2)
    }
}
