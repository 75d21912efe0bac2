import Foundation

/// Which names in an inbox are never picked up: files that are still on their way (partial downloads,
/// rsync and SMB temp files), operating-system clutter, hidden files, and the folder's own patterns.
struct IgnoreRules: Sendable {
    static let builtInSuffixes = [".part", ".filepart", ".crdownload", ".tmp", ".inprogress"]
    static let builtInPrefixes = ["~$", "._"]
    static let builtInNames = [".ds_store", "thumbs.db"]

    /// Shell-style globs matched against the whole file name.
    var patterns: [String]

    init(patterns: [String] = []) { self.patterns = patterns }

    func ignores(_ fileName: String) -> Bool {
        let lowered = fileName.lowercased()
        if fileName.hasPrefix(".") { return true }
        if Self.builtInNames.contains(lowered) { return true }
        if Self.builtInPrefixes.contains(where: { fileName.hasPrefix($0) }) { return true }
        if Self.builtInSuffixes.contains(where: { lowered.hasSuffix($0) }) { return true }
        return patterns.contains { fnmatch($0, fileName, 0) == 0 }
    }
}
