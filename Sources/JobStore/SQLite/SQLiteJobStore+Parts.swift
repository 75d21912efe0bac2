import Foundation
import GRDB
import Pipeline

extension SQLiteJobStore {
    public func receivePart(_ id: JobID, part: String, file: ArrivedFile, detail: String?, actor: EventActor?) async throws -> Job {
        defer { localChanges(id) }
        return try await writer.write { db in
            guard var job = try Self.fetchJob(db, id) else { throw JobStoreError.notFound(id) }
            guard job.product.partNames.contains(part) else {
                throw JobStoreError.noSuchPart(id, part: part, parts: job.product.partNames)
            }
            let previous = job.status
            switch previous {
            case .awaitingFile where job.file(ofPart: part) != nil: throw JobStoreError.partAlreadyReceived(id, part: part)
            case .awaitingFile, .preflightFailed, .rejected: break
            default: throw JobStoreError.takesNoPart(id, from: previous)
            }
            let now = Date()
            try db.execute(sql: """
                INSERT OR REPLACE INTO job_part (jobId, part, fileName, claimedPath, originalPath, sha256, sizeBytes, kind, receivedAt)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [id.rawValue, part, file.fileName, file.claimedPath, file.claimedPath, file.sha256, file.sizeBytes,
                                 file.kind?.rawValue, now])
            if let hotfolder = file.hotfolder { job.hotfolder = hotfolder }
            if let product = file.product { job.product = job.product.overridden(by: product) }
            job.parts = try Self.fetchParts(db, of: job)
            // Output names start from the first part's name, as a single file's start from its own.
            job.fileName = job.parts.first?.fileName ?? file.fileName
            job.updatedAt = now
            if previous != .awaitingFile { try Self.endRevision(db, of: &job, at: now) }
            if previous != .awaitingFile || job.missingParts.isEmpty { job.status = .received }
            try db.execute(sql: "UPDATE job SET status = ?, fileName = ?, hotfolder = ?, product = ?, updatedAt = ? WHERE id = ?",
                           arguments: [job.status.rawValue, job.fileName, job.hotfolder, try Self.encode(job.product), now, id.rawValue])
            if previous != .awaitingFile {
                try db.execute(sql: "UPDATE job SET internalFailures = 0 WHERE id = ?", arguments: [id.rawValue])
                try Self.appendEvent(db, job: job, from: previous, at: now, detail: detail, actor: actor, startsRevision: true, part: part)
                return job
            }
            // The part's own event, then, when it was the last one missing, the job's move on.
            var waiting = job
            waiting.status = .awaitingFile
            try Self.appendEvent(db, job: waiting, from: .awaitingFile, at: now, detail: detail, actor: actor, part: part)
            if job.status == .received {
                try db.execute(sql: "UPDATE job SET internalFailures = 0 WHERE id = ?", arguments: [id.rawValue])
                try Self.appendEvent(db, job: job, from: .awaitingFile, at: now,
                                     detail: "every part has its file: " + job.product.partNames.joined(separator: ", "), actor: actor)
            }
            return job
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
        let order = job.product.partNames
        return files.sorted { (order.firstIndex(of: $0.part) ?? .max, $0.part) < (order.firstIndex(of: $1.part) ?? .max, $1.part) }
    }
}
