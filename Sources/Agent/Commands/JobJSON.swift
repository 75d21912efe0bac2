import Bridge
import Foundation
import JobStore

/// The CLI's JSON shape of a job. Field names are a contract for scripts; extend, never rename.
struct JobJSON: Encodable {
    var id: String
    var status: String
    var hotfolder: String?
    var fileName: String
    var sha256: String?
    var sizeBytes: Int64?
    var kind: String?
    var externalId: String?
    var originalPath: String?
    var failureReason: String?
    var revision: Int
    var createdAt: String
    var updatedAt: String
    var events: [EventJSON]?
    var outputs: [String: String]?

    init(_ job: Job) {
        id = job.id.rawValue
        status = job.status.rawValue
        hotfolder = job.hotfolder
        fileName = job.fileName
        sha256 = job.sha256
        sizeBytes = job.sizeBytes
        kind = job.kind?.rawValue
        externalId = job.externalId
        originalPath = job.originalPath
        failureReason = job.failureReason
        revision = job.revision
        createdAt = Self.timestamp(job.createdAt)
        updatedAt = Self.timestamp(job.updatedAt)
    }

    /// Encodes with nulls kept for the contract fields, so a missing externalId reads as null, not absent.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(status, forKey: .status)
        try container.encode(hotfolder, forKey: .hotfolder)
        try container.encode(fileName, forKey: .fileName)
        try container.encode(sha256, forKey: .sha256)
        try container.encode(sizeBytes, forKey: .sizeBytes)
        try container.encode(kind, forKey: .kind)
        try container.encode(externalId, forKey: .externalId)
        try container.encode(originalPath, forKey: .originalPath)
        try container.encode(failureReason, forKey: .failureReason)
        try container.encode(revision, forKey: .revision)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
        try container.encodeIfPresent(events, forKey: .events)
        try container.encodeIfPresent(outputs, forKey: .outputs)
    }

    enum CodingKeys: String, CodingKey {
        case id, status, hotfolder, fileName, sha256, sizeBytes, kind, externalId, originalPath, failureReason, revision, createdAt, updatedAt, events, outputs
    }

    static func timestamp(_ date: Date) -> String {
        Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(date)
    }

    static func text<T: Encodable>(of value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

struct EventJSON: Encodable {
    var sequence: Int
    var from: String?
    var to: String
    var at: String
    var detail: String?

    init(_ event: JobEvent) {
        sequence = event.sequence
        from = event.from?.rawValue
        to = event.to.rawValue
        at = JobJSON.timestamp(event.at)
        detail = event.detail
    }
}
