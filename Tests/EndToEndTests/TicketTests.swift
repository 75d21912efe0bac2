import Foundation
import TestFixtures
import Testing

/// Sidecar tickets (NAME.json beside the file): the order they carry overrides the folder's, and a folder
/// that requires them waits a while, then fails the file with a clear reason.
@Suite(.serialized) struct TicketTests {
    @Test func ticketOverridesTheFoldersProduct() async throws {
        let agent = try RunningAgent()
        try await agent.start()
        defer { agent.stop() }
        // The folder orders 2 pages; the ticket says this order has 3.
        try agent.drop(Data(#"{"externalId": "ORD-77", "product": {"pages": 3}}"#.utf8), as: "card.json")
        try agent.drop(PDFFixture.businessCard(pages: 3), as: "card.pdf")
        let jobs = try await agent.waitForTerminalJobs(1)
        #expect(jobs.first?["status"] as? String == "print_ready")
        #expect(jobs.first?["externalId"] as? String == "ORD-77")
        #expect(agent.files(in: "originals") == ["card.json", "card.pdf"], "the ticket travels with its file")
        #expect(agent.files(in: "in").isEmpty)
    }

    @Test func requiredTicketThatNeverComesFailsTheFile() async throws {
        let agent = try RunningAgent(folderSettings: "ticket: required\nticket_timeout: 2s")
        try await agent.start()
        defer { agent.stop() }
        try agent.drop(PDFFixture.businessCard(pages: 2), as: "lonely.pdf")
        let jobs = try await agent.waitForTerminalJobs(1)
        #expect(jobs.first?["status"] as? String == "failed")
        #expect((jobs.first?["failureReason"] as? String)?.contains("no ticket arrived for lonely.pdf within 2 s") == true)
        #expect(agent.files(in: "error") == ["lonely.pdf", "lonely.pdf.reason.txt"])
    }

    @Test func requiredTicketThatComesInTimeIsUsed() async throws {
        let agent = try RunningAgent(folderSettings: "ticket: required\nticket_timeout: 60s")
        try await agent.start()
        defer { agent.stop() }
        try agent.drop(PDFFixture.businessCard(pages: 2), as: "waits.pdf")
        try await Task.sleep(for: .seconds(3))
        #expect(try agent.jobs().isEmpty, "the file waits for its ticket")
        try agent.drop(Data(#"{"externalId": "ORD-9"}"#.utf8), as: "waits.pdf.json")
        let jobs = try await agent.waitForTerminalJobs(1)
        #expect(jobs.first?["externalId"] as? String == "ORD-9")
        #expect(jobs.first?["status"] as? String == "print_ready")
    }

    @Test func brokenTicketFailsTheFileWithTheReason() async throws {
        let agent = try RunningAgent()
        try await agent.start()
        defer { agent.stop() }
        try agent.drop(Data(#"{"product": {"trim": "85x55"}}"#.utf8), as: "card.json")
        try agent.drop(PDFFixture.businessCard(pages: 2), as: "card.pdf")
        let jobs = try await agent.waitForTerminalJobs(1)
        #expect(jobs.first?["status"] as? String == "failed")
        let reason = jobs.first?["failureReason"] as? String ?? ""
        #expect(reason.contains("the ticket card.json cannot be used") && reason.contains("product.trim"), "\(reason)")
        #expect(agent.files(in: "error") == ["card.json", "card.pdf", "card.pdf.reason.txt"])
    }

    @Test func ticketWithoutArtworkIsSetAsideAfterTheTimeout() async throws {
        let agent = try RunningAgent(folderSettings: "ticket_timeout: 2s")
        try await agent.start()
        defer { agent.stop() }
        try agent.drop(Data(#"{"externalId": "ORD-1"}"#.utf8), as: "ghost.json")
        let names = try await agent.waitUntil("the orphan ticket to be set aside") { () -> [String]? in
            let names = agent.files(in: "unsupported")
            return names.count == 2 ? names : nil
        }
        #expect(names == ["ghost.json", "ghost.json.reason.txt"])
        #expect(try agent.jobs().isEmpty)
    }
}

/// Image files go the whole way: proof, then a print-ready PDF with the JPEG inside as it was.
@Suite(.serialized) struct ImageFileJobTests {
    @Test(.needsCorpus) func cmykJPEGBecomesAPrintReadyPDFThatKeepsItsCMYK() async throws {
        let agent = try RunningAgent(product: "{trim: 85x55mm, bleed: 3mm, pages: 1}")
        try await agent.start()
        defer { agent.stop() }
        try agent.drop(try Data(contentsOf: Corpus.file("ocrmypdf_baiona_cmyk.jpg")), as: "photo.jpg")
        let jobs = try await agent.waitForTerminalJobs(1)
        #expect(jobs.first?["status"] as? String == "print_ready", "\(agent.log.suffix(1500))")
        #expect(agent.files(in: "out/print-ready") == ["photo.pdf"])
        let printReady = agent.folder().appendingPathComponent("out/print-ready/photo.pdf").path
        let images = try runTool("pdfimages", "-list", printReady)
        #expect(images.contains("cmyk") && images.contains("jpeg"), "\(images)")
        #expect(try pdfinfoBox("TrimBox", of: printReady) == [8.50, 8.50, 249.45, 164.41])
        #expect(agent.files(in: "out/proofs").contains("photo-page-1.png"))
        #expect(agent.files(in: "originals") == ["photo.jpg"])
    }

    @Test func aCMYKTIFFBecomesAPrintReadyCMYKPDF() async throws {
        let agent = try RunningAgent(product: "{trim: 85x55mm, bleed: 3mm, pages: 1}")
        try await agent.start()
        defer { agent.stop() }
        try agent.drop(TIFFFixture.make(width: 1075, height: 720, mode: .cmyk), as: "scan.tif")
        let jobs = try await agent.waitForTerminalJobs(1)
        #expect(jobs.first?["status"] as? String == "print_ready", "\(jobs.first?["failureReason"] ?? "")")
        let printReady = agent.folder().appendingPathComponent("out/print-ready/scan.pdf").path
        let images = try runTool("pdfimages", "-list", printReady)
        #expect(images.contains("cmyk") && images.contains("1075") && images.contains("720"), "\(images)")
        #expect(try pdfinfoBox("TrimBox", of: printReady) == [8.50, 8.50, 249.45, 164.41])
        #expect(agent.files(in: "originals") == ["scan.tif"])
    }
}
