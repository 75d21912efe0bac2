@testable import Bridge
import Foundation
import JobStore
import TestFixtures
import Testing

@Suite(.serialized) struct BridgeFileTests {
    @Test func anUploadedFileMakesTheJobReceivedUnderASafeName() async throws {
        let runnable = EndedJobs()
        let bridge = try await BridgeHarness.start(hooks: BridgeHooks(jobIsRunnable: { runnable.add($0) }))
        defer { Task { await bridge.stop() } }
        let id = try await bridge.createJob()
        let pdf = PDFFixture.businessCard(pages: 1)
        let reply = try await bridge.send("PUT", "/api/v1/jobs/\(id)/file", body: pdf, contentType: "application/pdf",
                                          headers: ["Content-Disposition": "attachment; filename=\"../../etc/.passwd card.pdf\""])
        #expect(reply.status == 200, "\(reply.text)")
        #expect(reply.json["status"] as? String == "received" && reply.json["kind"] as? String == "pdf")
        #expect(reply.json["fileName"] as? String == "passwd card.pdf")
        #expect(reply.json["sizeBytes"] as? Int == pdf.count)
        let jobID = try #require(JobID(id))
        let job = try #require(try await bridge.store.job(jobID))
        let path = try #require(job.claimedPath)
        #expect(path.hasPrefix(bridge.configuration.jobsDirectory + "/" + id + "/upload/"))
        #expect(FileManager.default.contents(atPath: path) == pdf)
        #expect(runnable.ids.map(\.rawValue) == [id])
        let original = try await bridge.send("GET", "/api/v1/jobs/\(id)/files/original")
        #expect(original.status == 200 && original.body == pdf && original.header("Content-Type") == "application/pdf")
        #expect(original.header("Content-Disposition")?.contains("passwd card.pdf") == true)
        let second = try await bridge.send("PUT", "/api/v1/jobs/\(id)/file", body: pdf, contentType: "application/pdf")
        #expect(second.status == 409 && second.errorCode == "conflict")
    }

    @Test func uploadNamesAreShortInBytesAndShowWhatTheyAre() {
        // A right-to-left override makes "invoice\u{202E}fdp.exe" read as "invoiceexe.pdf" in a listing.
        #expect(UploadReceiver.safeFileName("invoice\u{202E}fdp.exe.pdf", stem: "job", kind: .pdf) == "invoicefdp.exe.pdf")
        #expect(UploadReceiver.safeFileName("a\u{2066}b\u{200F}c\u{0085}d.pdf", stem: "job", kind: .pdf) == "abcd.pdf")
        // Long names are cut in bytes, never inside a character, and keep their extension.
        let long = String(repeating: "ü", count: 300) + ".pdf"
        let cut = UploadReceiver.safeFileName(long, stem: "job", kind: .pdf)
        #expect(cut.utf8.count <= UploadReceiver.maximumNameBytes && cut.hasSuffix("ü.pdf") && cut.hasPrefix("üü"))
        #expect(UploadReceiver.safeFileName("\u{202E}", stem: "ORD-1", kind: .tiff) == "ORD-1.tif")
    }

    @Test func aFailedUploadLeavesNothingBehind() async throws {
        let bridge = try await BridgeHarness.start()
        defer { Task { await bridge.stop() } }
        let id = try await bridge.createJob()
        let refused = try await bridge.send("PUT", "/api/v1/jobs/\(id)/file", body: Data("not artwork at all".utf8), contentType: "application/pdf")
        #expect(refused.status == 415)
        let workspace = bridge.configuration.jobsDirectory + "/" + id
        #expect(!FileManager.default.fileExists(atPath: workspace + "/upload"), "\((try? FileManager.default.subpathsOfDirectory(atPath: workspace)) ?? [])")
    }

    @Test func contentDecidesTheTypeNotTheHeader() async throws {
        let bridge = try await BridgeHarness.start()
        defer { Task { await bridge.stop() } }
        let id = try await bridge.createJob()
        let text = try await bridge.send("PUT", "/api/v1/jobs/\(id)/file", body: Data("hello, this is not a PDF".utf8), contentType: "application/pdf")
        #expect(text.status == 415 && text.errorCode == "unsupported_media_type")
        let wrongHeader = try await bridge.send("PUT", "/api/v1/jobs/\(id)/file", body: PDFFixture.businessCard(), contentType: "text/plain")
        #expect(wrongHeader.status == 415)
        let empty = try await bridge.send("PUT", "/api/v1/jobs/\(id)/file", body: Data(), contentType: "application/pdf")
        #expect((400...422).contains(empty.status))
        // Nothing of the refused uploads is left, and the job still waits.
        let uploads = bridge.configuration.jobsDirectory + "/" + id + "/upload"
        let left = (FileManager.default.subpaths(atPath: uploads) ?? []).filter { !$0.hasSuffix("/") && !$0.isEmpty }
        #expect(left.allSatisfy { !$0.contains(".") })
        #expect(try await bridge.send("GET", "/api/v1/jobs/\(id)").json["status"] as? String == "awaiting_file")
    }

    @Test func filesAboveTheLimitAreRefused() async throws {
        let bridge = try await BridgeHarness.start(maxUploadBytes: 1_000_000)
        defer { Task { await bridge.stop() } }
        let id = try await bridge.createJob()
        var big = PDFFixture.businessCard()
        big.append(Data(repeating: 0x20, count: 1_200_000))
        let reply = try await bridge.send("PUT", "/api/v1/jobs/\(id)/file", body: big, contentType: "application/pdf")
        #expect(reply.status == 413 && reply.errorCode == "payload_too_large")
        #expect(try await bridge.send("GET", "/api/v1/jobs/\(id)").json["status"] as? String == "awaiting_file")
    }

    @Test func multipartCreatesTheJobWithItsFileInOneCall() async throws {
        let bridge = try await BridgeHarness.start()
        defer { Task { await bridge.stop() } }
        let pdf = PDFFixture.businessCard(pages: 2)
        let reply = try await Self.createWithFile(#"{"externalId":"ORD-MP","product":{"pages":2}}"#, file: pdf, on: bridge)
        #expect(reply.status == 201, "\(reply.text)")
        #expect(reply.json["status"] as? String == "received" && reply.json["fileName"] as? String == "card.pdf")
        #expect(reply.json["externalId"] as? String == "ORD-MP" && reply.json["sizeBytes"] as? Int == pdf.count)
        let events = try await bridge.send("GET", "/api/v1/jobs/\(reply.json["id"] as? String ?? "")/events")
        #expect((events.json["events"] as? [[String: Any]])?.first?["type"] as? String == "job.created")
    }

    @Test func uploadsWaitWhileIntakeIsPausedAndNothingIsStored() async throws {
        let pause = PauseReason("only 8 MiB free on the filesystem of /srv/hotfolders, below min_free_space 16 MiB")
        let bridge = try await BridgeHarness.start(hooks: BridgeHooks(intakePause: { pause.current }))
        defer { Task { await bridge.stop() } }
        let id = try await bridge.createJob()
        let pdf = PDFFixture.businessCard()
        let refused = try await bridge.send("PUT", "/api/v1/jobs/\(id)/file", body: pdf, contentType: "application/pdf")
        #expect(refused.status == 503 && refused.errorCode == "service_unavailable", "\(refused.text)")
        #expect(refused.header("Retry-After") == "60")
        #expect(refused.text.contains("below min_free_space"))
        let multipart = try await Self.createWithFile(#"{"externalId":"ORD-PAUSED"}"#, file: pdf, on: bridge)
        #expect(multipart.status == 503 && multipart.header("Retry-After") == "60", "\(multipart.text)")
        let listed = try await bridge.send("GET", "/api/v1/jobs?externalId=ORD-PAUSED")
        #expect((listed.json["jobs"] as? [Any])?.isEmpty == true)
        // Not a byte stored; the job still waits and takes the file once space is back.
        let stored = (FileManager.default.subpaths(atPath: bridge.configuration.jobsDirectory) ?? [])
            .filter { path in [".pdf", ".partial"].contains { path.hasSuffix($0) } }
        #expect(stored.isEmpty, "\(stored)")
        #expect(try await bridge.send("GET", "/api/v1/jobs/\(id)").json["status"] as? String == "awaiting_file")
        pause.current = nil
        let accepted = try await bridge.send("PUT", "/api/v1/jobs/\(id)/file", body: pdf, contentType: "application/pdf")
        #expect(accepted.status == 200 && accepted.json["status"] as? String == "received", "\(accepted.text)")
    }

    @Test func aFullDiskIsAskedToBeRetriedNotReportedAsABug() {
        let full = UploadReceiver.storageFailure(ENOSPC)
        #expect(full.code == .serviceUnavailable && full.retryAfter == 60)
        #expect(full.message.contains("disk is full"))
        let quota = UploadReceiver.storageFailure(EDQUOT)
        #expect(quota.code == .serviceUnavailable)
        let other = UploadReceiver.storageFailure(EACCES)
        // A machine fault too, said without the C library's words (the log has them).
        #expect(other.code == .serviceUnavailable && !other.message.contains("Permission denied"))
    }

    /// POST /api/v1/jobs as multipart/form-data: the `job` part, then the `file` part named card.pdf.
    private static func createWithFile(_ json: String, file: Data, on bridge: BridgeHarness) async throws -> BridgeHarness.Reply {
        let boundary = "hfa-test-boundary"
        var body = Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"job\"\r\nContent-Type: application/json\r\n\r\n".utf8)
        body.append(Data(json.utf8))
        body.append(Data("\r\n--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"card.pdf\"\r\nContent-Type: application/pdf\r\n\r\n".utf8))
        body.append(file)
        body.append(Data("\r\n--\(boundary)--\r\n".utf8))
        return try await bridge.send("POST", "/api/v1/jobs", body: body, contentType: "multipart/form-data; boundary=\(boundary)")
    }

    @Test func outputsAreServedOnceTheyExist() async throws {
        let bridge = try await BridgeHarness.start()
        defer { Task { await bridge.stop() } }
        let id = try await bridge.createJob()
        #expect(try await bridge.send("GET", "/api/v1/jobs/\(id)/report").status == 404)
        #expect(try await bridge.send("GET", "/api/v1/jobs/\(id)/proofs/1.png").status == 404)
        #expect(try await bridge.send("GET", "/api/v1/jobs/\(id)/files/print-ready").status == 404)
        let workspace = JobWorkspace(jobsDirectory: bridge.configuration.jobsDirectory, id: try #require(JobID(id)))
        try FileManager.default.createDirectory(atPath: workspace.proofs, withIntermediateDirectories: true)
        let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3])
        try png.write(to: URL(fileURLWithPath: workspace.proofPage(1)))
        try png.write(to: URL(fileURLWithPath: workspace.proofPage(2)))
        try Data(#"{"schemaVersion":1,"result":"warn","findings":[{"check":"x","severity":"warning"}]}"#.utf8)
            .write(to: URL(fileURLWithPath: workspace.report))
        let page = try await bridge.send("GET", "/api/v1/jobs/\(id)/proofs/2.png")
        #expect(page.status == 200 && page.body == png && page.header("Content-Type") == "image/png")
        let report = try await bridge.send("GET", "/api/v1/jobs/\(id)/report")
        #expect(report.status == 200 && report.json["result"] as? String == "warn")
        let job = try await bridge.send("GET", "/api/v1/jobs/\(id)").json
        let links = try #require(job["links"] as? [String: Any])
        #expect((links["proofs"] as? [String])?.count == 2)
        #expect((links["proofPage"] as? String)?.hasPrefix(BridgeHarness.publicURL + "/proof/" + id + "?t=") == true)
        #expect(links["printReady"] == nil)
    }
}

/// The disk guard's pause as the bridge sees it, switched by a test.
final class PauseReason: @unchecked Sendable {
    private let lock = NSLock()
    private var reason: String?
    init(_ reason: String?) { self.reason = reason }
    var current: String? {
        get { lock.withLock { reason } }
        set { lock.withLock { reason = newValue } }
    }
}
