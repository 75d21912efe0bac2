import Foundation
import JobStore

/// What a job's workspace holds, read with two directory listings instead of a stat per possible file:
/// GET /jobs/{id} asks about eight of them on every request.
struct WorkspaceContents {
    let hasReport: Bool
    let hasReportHTML: Bool
    let hasPrintReady: Bool
    let hasProofSheet: Bool
    let hasThumbnail: Bool
    /// Page numbers with a rendered proof, ascending.
    let proofPages: [Int]

    /// What the workspace holds of `revision`'s outputs: nothing while the top level still holds an earlier
    /// revision's (the new one has not been preflighted yet).
    init(_ workspace: JobWorkspace, revision: Int) {
        let names = Set(Self.names(in: workspace.directory))
        if names.contains("revision") || revision > 1, workspace.outputsRevision != revision {
            self.init()
            return
        }
        self.init(workspace, names: names)
    }

    init(_ workspace: JobWorkspace) {
        self.init(workspace, names: Set(Self.names(in: workspace.directory)))
    }

    private init(_ workspace: JobWorkspace, names: Set<String>) {
        hasReport = names.contains("report.json")
        hasReportHTML = names.contains("report.html")
        hasPrintReady = names.contains("print-ready.pdf")
        let proofs = names.contains("proofs") ? Self.names(in: workspace.proofs) : []
        hasProofSheet = proofs.contains("proof.pdf")
        hasThumbnail = proofs.contains("thumbnail.png")
        proofPages = proofs.compactMap { name -> Int? in
            guard name.hasPrefix("page-"), name.hasSuffix(".png") else { return nil }
            return Int(name.dropFirst(5).dropLast(4))
        }.sorted()
    }

    /// Nothing the stages write: what an event from before preflight may show.
    static let nothingWritten = WorkspaceContents()

    private init() {
        hasReport = false
        hasReportHTML = false
        hasPrintReady = false
        hasProofSheet = false
        hasThumbnail = false
        proofPages = []
    }

    /// readdir(3) directly: FileManager's listing costs several times more, and this runs per request.
    static func names(in directory: String) -> [String] {
        guard let handle = opendir(directory) else { return [] }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}
