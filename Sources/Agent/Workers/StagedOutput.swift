import Foundation

/// A stage result written under a name of its own attempt (`.NAME.<pid>-<random>.partial` beside its final
/// place), flushed, and only then renamed into place with its folder flushed too: a result the store later
/// calls done survives a power cut, and two attempts never share a half-written file.
struct StagedOutput {
    /// Where the result ends up.
    let destination: String
    /// Where the attempt writes it.
    let staging: String

    init(_ destination: String) {
        self.destination = destination
        let name = FileOperations.fileName(of: destination)
        staging = FileOperations.parent(of: destination) + "/.\(name).\(getpid())-\(UInt32.random(in: 0...UInt32.max)).partial"
    }

    /// Flushes the staged file and renames it over `destination`.
    func publishFile() throws(FileOperationError) {
        do throws(FileOperationError) {
            try FileOperations.sync(staging)
            guard rename(staging, destination) == 0 else { throw FileOperationError.failed("rename", path: destination, errno: errno) }
            try FileOperations.sync(FileOperations.parent(of: destination))
        } catch {
            unlink(staging)
            throw error
        }
    }

    /// Flushes the staged folder and every file in it, then swaps it in for `destination` (the old folder
    /// moved aside first and removed after), so a reader sees the old pages or the new ones, never a mix.
    func publishDirectory() throws(FileOperationError) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: staging)) ?? []
        for name in names { try FileOperations.sync(staging + "/" + name) }
        try FileOperations.sync(staging)
        let old = staging + ".old"
        let hadOld = rename(destination, old) == 0
        guard rename(staging, destination) == 0 else {
            let code = errno
            if hadOld { rename(old, destination) }
            throw .failed("rename", path: destination, errno: code)
        }
        try FileOperations.sync(FileOperations.parent(of: destination))
        if hadOld { try? FileManager.default.removeItem(atPath: old) }
    }

    /// Removes what killed attempts left in `directory` (their staged files and folders). Called by a worker
    /// that holds the workspace lock, so no live attempt's file is among them.
    static func removeLeftovers(in directory: String) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for name in names where name.hasPrefix(".") && (name.hasSuffix(".partial") || name.hasSuffix(".partial.old")
                                                        || FileOperations.isOwnTemporary(name) || name.hasSuffix(".tiff.tmp")) {
            try? FileManager.default.removeItem(atPath: directory + "/" + name)
        }
    }
}
