@testable import Bridge
import Foundation
import JobStore
import Pipeline
import TestFixtures
import Testing

/// A job of a product made of parts takes one file per part through the API, waits for all of them, and
/// takes a new file for one part as its next revision after it failed.
@Suite(.serialized) struct PartsAPITests {
    static var frontAndBack: [String: Any] { ["externalId": "ORD-P", "product": ["trim": "85x55mm", "parts": [["name": "front", "pages": 1],
                                                                                                              ["name": "back", "pages": 1]]]] }

    @Test func aJobWaitsForEveryPartAndStartsWithTheLast() async throws {
        let runnable = EndedJobs()
        let bridge = try await BridgeHarness.start(hooks: BridgeHooks(jobIsRunnable: { runnable.add($0) }))
        defer { Task { await bridge.stop() } }
        let id = try #require(JobID(try await bridge.createJob(Self.frontAndBack)))
        func put(_ part: String, marker: String = "") async throws -> BridgeHarness.Reply {
            try await bridge.send("PUT", "/api/v1/jobs/\(id)/parts/\(part)", body: PDFFixture.businessCard(pages: 1, marker: marker),
                                  contentType: "application/pdf", headers: ["Content-Disposition": "attachment; filename=\"\(part).pdf\""])
        }
        let view = try await bridge.send("GET", "/api/v1/jobs/\(id)").json
        #expect((view["parts"] as? [[String: Any]])?.map { $0["received"] as? Bool } == [false, false])

        let back = try await put("back")
        #expect(back.status == 200 && back.json["status"] as? String == "awaiting_file", "\(back.text)")
        #expect((back.json["parts"] as? [[String: Any]])?.map { $0["received"] as? Bool } == [false, true])
        #expect(runnable.ids.isEmpty, "the job waits for its front")
        // A part twice, a part the product lacks, the single-file route: refused, nothing stored.
        #expect(try await put("back").status == 409)
        #expect(try await put("side").status == 404)
        let file = try await bridge.send("PUT", "/api/v1/jobs/\(id)/file", body: PDFFixture.businessCard(pages: 1), contentType: "application/pdf")
        #expect(file.status == 409 && file.text.contains("parts"), "\(file.text)")

        let front = try await put("front")
        #expect(front.status == 200 && front.json["status"] as? String == "received", "\(front.text)")
        #expect(runnable.ids == [id])
        let events = try await bridge.send("GET", "/api/v1/jobs/\(id)/events").json["events"] as? [[String: Any]] ?? []
        #expect(events.map { $0["type"] as? String } == ["job.created", "job.part_received", "job.part_received", "job.uploaded"])
        #expect(events.map { ($0["data"] as? [String: Any])?["part"] as? String } == [nil, "back", "front", nil])
        let original = try await bridge.send("GET", "/api/v1/jobs/\(id)/parts/front/files/original")
        #expect(original.status == 200 && original.body == PDFFixture.businessCard(pages: 1))
        #expect(try await bridge.send("GET", "/api/v1/jobs/\(id)/parts/front/files/print-ready").status == 404)
        #expect(try await bridge.send("GET", "/api/v1/jobs/\(id)/parts/front/files/original", token: "reader").status == 200)
        #expect(try await bridge.send("PUT", "/api/v1/jobs/\(id)/parts/front", token: "reader", body: Data("%PDF".utf8),
                                      contentType: "application/pdf").status == 403)
    }

    @Test func aFailedJobTakesOnePartsNewFileAsItsNextRevision() async throws {
        let bridge = try await BridgeHarness.start()
        defer { Task { await bridge.stop() } }
        let id = try #require(JobID(try await bridge.createJob(Self.frontAndBack)))
        for part in ["front", "back"] {
            let reply = try await bridge.send("PUT", "/api/v1/jobs/\(id)/parts/\(part)", body: PDFFixture.businessCard(pages: 1),
                                              contentType: "application/pdf")
            #expect(reply.status == 200)
        }
        let before = try #require(try await bridge.store.job(id))
        try await bridge.store.transition(id, to: .preflighting)
        try await bridge.store.transition(id, to: .preflightFailed, detail: "back: 2 pages", update: JobUpdate(failureReason: "back: 2 pages"))
        let again = try await bridge.send("PUT", "/api/v1/jobs/\(id)/parts/back", body: PDFFixture.businessCard(pages: 1, marker: "v2"),
                                          contentType: "application/pdf")
        #expect(again.status == 200 && again.json["revision"] as? Int == 2 && again.json["status"] as? String == "received", "\(again.text)")
        let after = try #require(try await bridge.store.job(id))
        #expect(after.file(ofPart: "front") == before.file(ofPart: "front"), "the front is used again as it was")
        #expect(after.file(ofPart: "back")?.sha256 != before.file(ofPart: "back")?.sha256)
        #expect(after.failureReason == nil)
        let events = try await bridge.send("GET", "/api/v1/jobs/\(id)/events").json["events"] as? [[String: Any]] ?? []
        let started = try #require(events.last)
        #expect(started["type"] as? String == "job.revision_started")
        #expect((started["data"] as? [String: Any])?["part"] as? String == "back")
        #expect(try await bridge.store.revisions(of: id).map(\.status) == [.preflightFailed])
    }

    @Test func partsAreNamedOnceInWordsAFileNameCanCarry() async throws {
        let bridge = try await BridgeHarness.start()
        defer { Task { await bridge.stop() } }
        for parts in [[["name": "front"], ["name": "front"]], [["name": "Front Side"]], [[String: Any]]()] {
            let reply = try await bridge.send("POST", "/api/v1/jobs", json: ["externalId": "ORD-X", "product": ["parts": parts]])
            #expect(reply.status == 422, "\(parts): \(reply.text)")
            #expect((reply.error["field"] as? String)?.hasPrefix("product.parts") == true, "\(reply.text)")
        }
    }

    @Test func aMultipartRequestCarriesOnePartPerProductPart() async throws {
        let bridge = try await BridgeHarness.start()
        defer { Task { await bridge.stop() } }
        let boundary = "b-\(UUID().uuidString)"
        var body = Data()
        func field(_ name: String, fileName: String?, type: String, _ content: Data) {
            body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\(fileName.map { "; filename=\"\($0)\"" } ?? "")\r\n".utf8)
            body += Data("Content-Type: \(type)\r\n\r\n".utf8) + content + Data("\r\n".utf8)
        }
        field("job", fileName: nil, type: "application/json", try JSONSerialization.data(withJSONObject: Self.frontAndBack))
        // A file bigger than the 1 MiB a part that is no file may have: the parts' files are files.
        var large = PDFFixture.businessCard(pages: 1)
        large += Data(repeating: 0x20, count: 1_200_000)
        field("front", fileName: "front.pdf", type: "application/pdf", large)
        body += Data("--\(boundary)--\r\n".utf8)
        let reply = try await bridge.send("POST", "/api/v1/jobs", body: body, contentType: "multipart/form-data; boundary=\(boundary)")
        #expect(reply.status == 201 && reply.json["status"] as? String == "awaiting_file", "\(reply.text)")
        #expect((reply.json["parts"] as? [[String: Any]])?.map { $0["received"] as? Bool } == [true, false])
        // `file` is for a product of one file.
        var single = Data()
        swap(&single, &body)
        field("job", fileName: nil, type: "application/json", try JSONSerialization.data(withJSONObject: Self.frontAndBack))
        field("file", fileName: "card.pdf", type: "application/pdf", PDFFixture.businessCard(pages: 1))
        body += Data("--\(boundary)--\r\n".utf8)
        let refused = try await bridge.send("POST", "/api/v1/jobs", body: body, contentType: "multipart/form-data; boundary=\(boundary)")
        #expect(refused.status == 422 && refused.text.contains("front"), "\(refused.text)")
    }
}
