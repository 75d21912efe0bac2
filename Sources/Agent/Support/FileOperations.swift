import Bridge
import Crypto
import Foundation
import JobStore

/// The file moves the agent's durability rests on: nothing overwritten, nothing half-written, and every
/// change flushed (file and folder) before the store is told about it.
enum FileOperations {
    /// Flushes a file's or a folder's metadata and data to disk.
    static func sync(_ path: String) throws(FileOperationError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .failed("open for sync", path: path, errno: errno) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw .failed("fsync", path: path, errno: errno) }
    }

    /// `name`, else `stem_0001.ext`, `stem_0002.ext`, ...: the candidates for an output name in a folder.
    static func candidateNames(for name: String) -> some Sequence<String> {
        let url = URL(fileURLWithPath: name)
        let ext = url.pathExtension
        let stem = ext.isEmpty ? name : String(name.dropLast(ext.count + 1))
        return (0..<10_000).lazy.map { index in
            guard index > 0 else { return name }
            let suffix = String(format: "_%04d", index)
            return ext.isEmpty ? stem + suffix : "\(stem)\(suffix).\(ext)"
        }
    }

    /// The name `move(_:into:preferredName:)` would give a file now: the first candidate not taken in `directory`.
    static func freeName(in directory: String, preferredName: String) -> String {
        candidateNames(for: preferredName).first { !FileManager.default.fileExists(atPath: directory + "/" + $0) } ?? preferredName
    }

    /// Moves `source` into `directory` under `preferredName` or the first free `_0001`-style variant, never
    /// replacing an existing file; returns the final path. Syncs both folders before returning.
    ///
    /// Uses link + unlink so that "does not exist yet" and "now exists" are one atomic step; a crash between
    /// the two leaves two names for one file, which `isSameFile` lets a resumed job recognise.
    @discardableResult
    static func move(_ source: String, into directory: String, preferredName: String) throws(FileOperationError) -> String {
        try createDirectory(directory)
        if let earlier = earlierLink(of: source, in: directory, preferredName: preferredName) {
            // An interrupted move left the file under both names: finish it instead of moving again.
            guard unlink(source) == 0 else { throw .failed("unlink", path: source, errno: errno) }
            try sync(parent(of: source))
            return earlier
        }
        for name in candidateNames(for: preferredName) {
            let destination = directory + "/" + name
            if link(source, destination) == 0 {
                guard unlink(source) == 0 else { throw .failed("unlink", path: source, errno: errno) }
                try sync(directory)
                try sync(parent(of: source))
                return destination
            }
            switch errno {
            case EEXIST:
                continue
            case EXDEV, EPERM, ENOTSUP, EMLINK:
                // Another filesystem, or one without hard links (some SMB mounts): copy, then remove.
                guard !FileManager.default.fileExists(atPath: destination) else { continue }
                try copyDurably(source, to: destination)
                guard unlink(source) == 0 else { throw .failed("unlink", path: source, errno: errno) }
                try sync(parent(of: source))
                return destination
            default:
                throw .failed("link", path: destination, errno: errno)
            }
        }
        throw .noFreeName(directory: directory, name: preferredName)
    }

    /// The name in `directory` under which `source` is already linked, when an earlier move stopped between
    /// link and unlink. Only looked for when the file has more than one link.
    private static func earlierLink(of source: String, in directory: String, preferredName: String) -> String? {
        var info = stat()
        guard stat(source, &info) == 0, info.st_nlink > 1 else { return nil }
        for name in candidateNames(for: preferredName) {
            let candidate = directory + "/" + name
            guard exists(candidate) else { return nil }
            if isSameFile(candidate, source) { return candidate }
        }
        return nil
    }

    /// Copies `source` to `destination` through a hidden temporary file, flushed, then linked into place
    /// (never over an existing file unless `replacing`, which renames over it). On any failure (a full disk
    /// above all) the hidden file is removed: nothing half-written stays behind.
    static func copyDurably(_ source: String, to destination: String, replacing: Bool = false) throws(FileOperationError) {
        let input = open(source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw .failed("open", path: source, errno: errno) }
        defer { close(input) }
        try writeThroughTemporary(to: destination, replacing: replacing) { output in
            var buffer = [UInt8](repeating: 0, count: 1 << 20)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                guard count >= 0 else { return .failed("read", path: source, errno: errno) }
                if count == 0 { return nil }
                if let failure = buffer.withUnsafeBytes({ writeAll(output, UnsafeRawBufferPointer(rebasing: $0[..<count]), path: destination) }) {
                    return failure
                }
            }
        }
    }

    /// Writes `data` to `path` durably (temporary file, fsync, rename, folder fsync), replacing any old file.
    static func writeDurably(_ data: Data, to path: String) throws(FileOperationError) {
        try createDirectory(parent(of: path))
        try writeThroughTemporary(to: path, replacing: true) { output in
            data.withUnsafeBytes { writeAll(output, $0, path: path) }
        }
    }

    /// Writes `data` to `path` durably unless a file is there already, and returns what is there after:
    /// `data`, or what another process wrote first. How agents sharing a folder make one secret between them.
    static func writeDurablyOnce(_ data: Data, to path: String) throws(FileOperationError) -> Data {
        try createDirectory(parent(of: path))
        do {
            try writeThroughTemporary(to: path, replacing: false) { output in
                data.withUnsafeBytes { writeAll(output, $0, path: path) }
            }
            return data
        } catch {
            // Made by another agent first: theirs is the one.
            guard let existing = FileManager.default.contents(atPath: path), !existing.isEmpty else { throw error }
            return existing
        }
    }

    /// Whether `name` is one of the hidden files `writeDurably` and its kin write before the rename: a kill
    /// between the two leaves it behind, and nobody but this agent names files so.
    static func isOwnTemporary(_ name: String) -> Bool { name.hasPrefix(".hfa-") && name.hasSuffix(".tmp") }

    /// Runs `write` on a new hidden file next to `path` (it answers the failure, if any), flushes the file and
    /// puts it in place, replacing an old file or only where none exists, then flushes the folder. The hidden
    /// file never outlives a failure.
    private static func writeThroughTemporary(to path: String, replacing: Bool,
                                              _ write: (Int32) -> FileOperationError?) throws(FileOperationError) {
        let directory = parent(of: path)
        let temporary = directory + "/.hfa-" + UUID().uuidString + ".tmp"
        let output = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard output >= 0 else { throw .failed("create", path: temporary, errno: errno) }
        var failure = write(output)
        if failure == nil, fsync(output) != 0 { failure = .failed("fsync", path: path, errno: errno) }
        if close(output) != 0, failure == nil { failure = .failed("close", path: path, errno: errno) }
        if let failure {
            unlink(temporary)
            throw failure
        }
        let placed = replacing ? rename(temporary, path) == 0
            : link(temporary, path) == 0 || (errno != EEXIST && rename(temporary, path) == 0)
        let code = errno
        unlink(temporary)  // after link: the extra name; after rename: already gone
        guard placed else { throw .failed(replacing ? "rename" : "link", path: path, errno: code) }
        try sync(directory)
    }

    private static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer, path: String) -> FileOperationError? {
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return .failed("write", path: path, errno: written < 0 ? errno : EIO) }
            offset += written
        }
        return nil
    }

    static func createDirectory(_ path: String) throws(FileOperationError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw .failed("create folder", path: path, errno: EACCES)
        }
    }

    /// Whether two files hold the same bytes (sizes first, then 1 MiB blocks).
    static func sameContent(_ a: String, _ b: String) throws(FileOperationError) -> Bool {
        var first = stat(), second = stat()
        guard stat(a, &first) == 0 else { throw .failed("stat", path: a, errno: errno) }
        guard stat(b, &second) == 0 else { throw .failed("stat", path: b, errno: errno) }
        guard first.st_size == second.st_size else { return false }
        guard let left = FileHandle(forReadingAtPath: a) else { throw .failed("open", path: a, errno: errno) }
        guard let right = FileHandle(forReadingAtPath: b) else { throw .failed("open", path: b, errno: errno) }
        defer { try? left.close(); try? right.close() }
        while true {
            let one = (try? left.read(upToCount: 1 << 20)) ?? nil
            let other = (try? right.read(upToCount: 1 << 20)) ?? nil
            guard one == other else { return false }
            if one == nil || one?.isEmpty == true { return true }
        }
    }

    /// Whether two paths name the same file (same device and inode).
    static func isSameFile(_ a: String, _ b: String) -> Bool {
        var first = stat(), second = stat()
        guard stat(a, &first) == 0, stat(b, &second) == 0 else { return false }
        return first.st_dev == second.st_dev && first.st_ino == second.st_ino
    }

    static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    static func parent(of path: String) -> String {
        URL(fileURLWithPath: path).deletingLastPathComponent().path
    }

    static func fileName(of path: String) -> String {
        URL(fileURLWithPath: path).lastPathComponent
    }

    /// SHA-256 of a file's content, lowercase hex, and its size. Reads in 1 MiB blocks; call it off the
    /// cooperative pool (see `Blocking.run`).
    static func sha256(of path: String) throws(FileOperationError) -> (hex: String, size: Int64) {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw .failed("open", path: path, errno: errno) }
        defer { try? handle.close() }
        var hasher = SHA256()
        var size: Int64 = 0
        while true {
            let block: Data
            do {
                block = try handle.read(upToCount: 1 << 20) ?? Data()
            } catch {
                throw .failed("read", path: path, errno: EIO)
            }
            if block.isEmpty { break }
            size += Int64(block.count)
            hasher.update(data: block)
        }
        return (hasher.finalize().hexadecimal, size)
    }
}

enum FileOperationError: Error, Sendable, CustomStringConvertible {
    case failed(String, path: String, errno: Int32)
    case noFreeName(directory: String, name: String)

    /// The filesystem is full (or the quota used up): a condition that passes, not a fault of the job.
    var isOutOfSpace: Bool {
        if case .failed(_, _, let code) = self { return code == ENOSPC || code == EDQUOT }
        return false
    }

    var description: String {
        switch self {
        case .failed(let operation, let path, let code): "cannot \(operation) \(path): \(String(cString: strerror(code)))"
        case .noFreeName(let directory, let name): "no free name for \(name) in \(directory) (10,000 variants taken)"
        }
    }
}
