import Foundation
import GRDB
import Pipeline

extension SQLiteJobStore {
    public func receivePart(_ id: JobID, part: String, file: ArrivedFile, detail: String?, actor: EventActor?) async throws -> Job {
        defer { localChanges(id) }
        return try await writer.write { db in
            guard let job = try Self.fetchJob(db, id) else { throw JobStoreError.notFound(id) }
            let arrival = try PartArrival(job, part: part, file: file, detail: detail, at: Date())
            var (after, stored) = (arrival.after, arrival.file)
            try db.execute(sql: """
                INSERT OR REPLACE INTO job_part (jobId, part, fileName, claimedPath, originalPath, sha256, sizeBytes, kind, receivedAt)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [id.rawValue, part, stored.fileName, stored.claimedPath, stored.originalPath, stored.sha256, stored.sizeBytes,
                                 stored.kind?.rawValue, stored.receivedAt])
            if let ended = arrival.endedRevision { try Self.insert(ended, db) }
            try db.execute(sql: """
                UPDATE job SET status = ?, fileName = ?, hotfolder = ?, product = ?, updatedAt = ?, revision = ?, proofLinkEpoch = ?,
                               failureReason = ? WHERE id = ?
                """, arguments: [after.status.rawValue, after.fileName, after.hotfolder, try Self.encode(after.product), after.updatedAt,
                                 after.revision, after.proofLinkEpoch, after.failureReason, id.rawValue])
            if after.status == .received {
                try db.execute(sql: "UPDATE job SET internalFailures = 0 WHERE id = ?", arguments: [id.rawValue])
            }
            // As stored (dates to the millisecond), as a later read gives them.
            after.parts = try Self.fetchParts(db, of: after)
            for event in arrival.events {
                try Self.appendEvent(db, job: event.job, from: event.from, at: after.updatedAt, detail: event.detail, actor: actor,
                                     startsRevision: event.startsRevision, part: event.part)
            }
            return after
        }
    }

    public func recordPartOriginalPath(_ id: JobID, part: String, path: String) async throws {
        defer { localChanges(id) }
        try await writer.write { db in
            try db.execute(sql: "UPDATE job_part SET originalPath = ? WHERE jobId = ? AND part = ?", arguments: [path, id.rawValue, part])
            guard db.changesCount == 1 else { throw JobStoreError.noSuchPart(id, part: part, parts: []) }
        }
    }

    /// The job's part files, in the product's order of parts.
    static func fetchParts(_ db: Database, of job: Job) throws -> [JobPartFile] {
        let rows = try Row.fetchAll(try db.cachedStatement(sql: "SELECT * FROM job_part WHERE jobId = ?"), arguments: [job.id.rawValue])
        let files = rows.map { row in
            JobPartFile(part: row["part"], fileName: row["fileName"], claimedPath: row["claimedPath"], originalPath: row["originalPath"],
                        sha256: row["sha256"], sizeBytes: row["sizeBytes"], kind: (row["kind"] as String?).flatMap(ArtworkKind.init(rawValue:)),
                        receivedAt: row["receivedAt"])
        }
        return job.product.inPartOrder(files)
    }
}
