import Crypto
import Foundation
import JobStore
import OpenAPIRuntime
import Pipeline

/// Streams an uploaded body to a file under the job's workspace, hashing as it goes, within a size limit,
/// and checks by content that it is artwork. The client's file name is only ever a name, never a path.
struct UploadReceiver: Sendable {
    let maxBytes: Int64
    /// Seconds a client is asked to wait when the disk is full: the disk guard looks every 5 s, an admin takes longer.
    static let retryAfterFullDisk = 60

    struct Received: Sendable {
        var path: String
        var fileName: String
        var sha256: String
        var sizeBytes: Int64
        var kind: ArtworkKind
    }

    /// Writes `body` to `directory/<safe name>`; on any failure nothing is left behind, not even the
    /// directories made for it (`directory` is `<workspace>/upload/<uuid>`).
    func receive(_ body: HTTPBody, suggestedName: String?, fallbackStem: String, into directory: String) async throws -> Received {
        if case .known(let length) = body.length, length > maxBytes { throw Self.tooLarge(maxBytes) }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch let error as CocoaError where error.code == .fileWriteOutOfSpace {
            throw Self.storageFailure(ENOSPC)
        }
        let partial = directory + "/.upload-\(UUID().uuidString).partial"
        let descriptor = open(partial, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o640)
        guard descriptor >= 0 else {
            let code = errno
            Self.removeEmptyDirectories(from: directory)
            throw Self.storageFailure(code)
        }
        var closed = false
        defer {
            if !closed { close(descriptor) }
        }
        do {
            var hasher = SHA256()
            var size: Int64 = 0
            var header: [UInt8] = []
            for try await chunk in body {
                size += Int64(chunk.count)
                if size > maxBytes { throw Self.tooLarge(maxBytes) }
                if header.count < ArtworkKind.sniffLength { header += chunk.prefix(ArtworkKind.sniffLength - header.count) }
                hasher.update(data: chunk)
                try chunk.withUnsafeBytes { buffer in try Self.writeAll(buffer, to: descriptor) }
            }
            guard size > 0 else { throw APIError(.validationError, "the file is empty (0 bytes)", field: "file") }
            guard let kind = ArtworkKind.sniff(header) else {
                throw APIError(.unsupportedMediaType, "the file is not a PDF, JPEG, PNG or TIFF file, whatever its Content-Type says")
            }
            guard fsync(descriptor) == 0 else { throw Self.storageFailure(errno) }
            close(descriptor)
            closed = true
            let name = Self.safeFileName(suggestedName, stem: fallbackStem, kind: kind)
            let path = directory + "/" + name
            guard rename(partial, path) == 0 else { throw Self.storageFailure(errno) }
            let directoryDescriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if directoryDescriptor >= 0 { fsync(directoryDescriptor); close(directoryDescriptor) }
            return Received(path: path, fileName: name, sha256: hasher.finalize().hexadecimal,
                            sizeBytes: size, kind: kind)
        } catch {
            unlink(partial)
            Self.removeEmptyDirectories(from: directory)
            throw error
        }
    }

    /// Removes `directory` and the two above it (`upload/`, the job's workspace) as far as they are empty:
    /// rmdir never removes anything else, so a workspace with a job's files in it stays.
    static func removeEmptyDirectories(from directory: String) {
        var path = directory
        for _ in 0..<3 {
            guard rmdir(path) == 0 else { return }
            path = (path as NSString).deletingLastPathComponent
        }
    }

    private static func writeAll(_ buffer: UnsafeRawBufferPointer, to descriptor: Int32) throws {
        var offset = 0
        while offset < buffer.count {
            let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw storageFailure(errno)
            }
            offset += written
        }
    }

    /// A full disk (or quota) is the agent's passing state, not the client's fault nor a bug: 503 and a time to retry.
    static func storageFailure(_ code: Int32) -> APIError {
        if code == ENOSPC || code == EDQUOT {
            return APIError(.serviceUnavailable, "the agent's disk is full; nothing was stored, send the file again later",
                            retryAfter: retryAfterFullDisk)
        }
        return APIError(.serviceUnavailable, "the agent cannot store uploads just now; nothing was stored, send the file again later",
                        retryAfter: retryAfterFullDisk)
    }

    private static func tooLarge(_ limit: Int64) -> APIError {
        APIError(.payloadTooLarge, "the file is larger than the \(limit / 1_000_000) MB this agent accepts")
    }

    /// The last path component of the client's name, without control characters (C0, C1), bidirectional
    /// overrides and isolates (which make "cod\u{202E}fdp.exe" read as "codexe.pdf" in a listing) or
    /// leading dots, at most `maximumNameBytes` of UTF-8 (filesystems count bytes, not characters), with an
    /// extension that matches the content; `<stem>.<ext>` when nothing usable is left.
    static func safeFileName(_ suggested: String?, stem: String, kind: ArtworkKind) -> String {
        let ext = kind.fileExtension
        var name = (suggested ?? "").split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        name = String(String.UnicodeScalarView(name.unicodeScalars.filter { scalar in
            !(scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar == ":" || bidiControls.contains(scalar.value))
        }))
        while name.hasPrefix(".") || name.hasPrefix(" ") { name.removeFirst() }
        name = name.trimmingCharacters(in: .whitespaces)
        if name.isEmpty { name = stem }
        var current = (name as NSString).pathExtension.lowercased()
        if !kind.fileExtensions.contains(current) { current = ext } else { name = (name as NSString).deletingPathExtension }
        // Shorten the stem, never inside a character, so that stem, dot and extension fit.
        let budget = maximumNameBytes - current.utf8.count - 1
        while name.utf8.count > budget { name.removeLast() }
        name = name.trimmingCharacters(in: .whitespaces)
        if name.isEmpty { name = String(stem.prefix(64)) }
        return name + "." + current
    }

    /// Bytes of UTF-8 in an upload's name; ext4, XFS and SMB allow 255, and the agent adds suffixes.
    static let maximumNameBytes = 200

    /// U+061C, U+200E/F, U+202A-E, U+2066-9: marks and embeddings that reorder how a name is shown.
    static let bidiControls: Set<UInt32> = [0x061C, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069]

    /// `filename="..."` (or RFC 5987 `filename*=UTF-8''...`) of a Content-Disposition header.
    static func fileName(fromContentDisposition header: String?) -> String? {
        guard let header else { return nil }
        for part in header.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            if part.lowercased().hasPrefix("filename*=") {
                let value = part.dropFirst("filename*=".count)
                if let quote = value.range(of: "''") { return String(value[quote.upperBound...]).removingPercentEncoding }
            }
        }
        for part in header.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) }) where part.lowercased().hasPrefix("filename=") {
            return String(part.dropFirst("filename=".count)).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        return nil
    }
}
