import Bridge
import Crypto
import Foundation

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

    /// Copies `source` to `destination` through a hidden temporary file, flushed, then renamed into place.
    static func copyDurably(_ source: String, to destination: String) throws(FileOperationError) {
        let directory = parent(of: destination)
        let temporary = directory + "/.hfa-" + UUID().uuidString + ".tmp"
        do {
            try FileManager.default.copyItem(atPath: source, toPath: temporary)
        } catch {
            throw .failed("copy", path: destination, errno: (error as NSError).code == 0 ? EIO : Int32(EIO))
        }
        try sync(temporary)
        guard link(temporary, destination) == 0 || (errno != EEXIST && rename(temporary, destination) == 0) else {
            let code = errno
            unlink(temporary)
            throw .failed("rename", path: destination, errno: code)
        }
        unlink(temporary)
        try sync(directory)
    }

    /// Writes `data` to `path` durably (temporary file, fsync, rename, folder fsync), replacing any old file.
    static func writeDurably(_ data: Data, to path: String) throws(FileOperationError) {
        let directory = parent(of: path)
        try createDirectory(directory)
        let temporary = directory + "/.hfa-" + UUID().uuidString + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: data) else {
            throw .failed("write", path: path, errno: errno == 0 ? EIO : errno)
        }
        try sync(temporary)
        guard rename(temporary, path) == 0 else { throw .failed("rename", path: path, errno: errno) }
        try sync(directory)
    }

    static func createDirectory(_ path: String) throws(FileOperationError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw .failed("create folder", path: path, errno: EACCES)
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

    var description: String {
        switch self {
        case .failed(let operation, let path, let code): "cannot \(operation) \(path): \(String(cString: strerror(code)))"
        case .noFreeName(let directory, let name): "no free name for \(name) in \(directory) (10,000 variants taken)"
        }
    }
}
