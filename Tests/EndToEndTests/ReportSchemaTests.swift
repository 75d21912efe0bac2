import Foundation
import TestFixtures
import Testing

/// Reports the binary writes validate against docs/preflight-report.schema.json (checked by Python's
/// jsonschema, which `make test` installs).
@Suite struct ReportSchemaTests {
    static let files = ["ocrmypdf_multipage.pdf", "fc_test_fontArialNotEmbedded.pdf", "pikepdf_pdfx.pdf",
                        "fc_encryption_openpassword.pdf", "fc_minimal_test.pdf", "ocrmypdf_baiona_cmyk.jpg",
                        "pdfa20_page-level-output-intent.pdf", "vera_6-2-4-3-t01-fail-d_rgb-image-cmyk-oi.pdf"]

    @Test(.needsCorpus, arguments: files)
    func reportValidatesAgainstTheSchema(file: String) throws {
        let directory = try makeTemporaryDirectory("schema")
        let reportPath = directory.appendingPathComponent("report.json").path
        let preflight = Process()
        preflight.executableURL = URL(fileURLWithPath: RunningAgent.binary)
        preflight.arguments = ["preflight", Corpus.file(file).path, "--trim", "85x55mm", "--bleed", "3mm", "--safety", "3mm", "--json"]
        FileManager.default.createFile(atPath: reportPath, contents: nil)
        preflight.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: reportPath))
        try preflight.run()
        preflight.waitUntilExit()
        #expect([0, 1].contains(preflight.terminationStatus), "exit \(preflight.terminationStatus)")

        let (valid, text) = try Self.validate(reportAt: reportPath)
        #expect(valid, "\(file): \(text)")
    }

    /// Whether the report at `path` validates against the schema, with jsonschema's complaints.
    static func validate(reportAt reportPath: String) throws -> (Bool, String) {
        let schema = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/preflight-report.schema.json").path
        let validate = Process()
        validate.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        validate.arguments = ["python3", "-c", """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1])); report = json.load(open(sys.argv[2]))
            jsonschema.Draft202012Validator.check_schema(schema)
            errors = list(jsonschema.Draft202012Validator(schema).iter_errors(report))
            for error in errors: print(list(error.absolute_path), error.message)
            sys.exit(1 if errors else 0)
            """, schema, reportPath]
        let output = Pipe()
        validate.standardOutput = output
        validate.standardError = output
        try validate.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        validate.waitUntilExit()
        return (validate.terminationStatus == 0, text)
    }
}
