import Bridge
import Foundation
import JobStore

/// Keeps an earlier revision's outputs when the next revision of its job begins: its report, proofs and
/// fixed copy move from the workspace's top level to `revisions/N/`, where the API still serves them, and
/// the top level is marked as the new revision's before any stage of it writes there.
///
/// Run by the job's runner, the one writer of its workspace, at the start of each run from received. Every
/// step is a rename or a durable write, and the marker comes last: a crash in between leaves the top level
/// marked as the earlier revision's, and the next run moves what is left.
struct RevisionArchive {
    let workspace: JobWorkspace

    func prepare(for revision: Int) throws(FileOperationError) {
        let had = workspace.outputsRevision
        guard had < revision else { return }
        let kept = workspace.revisionsDirectory + "/\(had)"
        try FileOperations.createDirectory(kept)
        for name in JobWorkspace.revisionOutputs {
            let source = workspace.directory + "/" + name
            guard FileOperations.exists(source) else { continue }
            guard rename(source, kept + "/" + name) == 0 else { throw FileOperationError.failed("keep", path: source, errno: errno) }
        }
        try FileOperations.sync(kept)
        try FileOperations.sync(workspace.revisionsDirectory)
        try FileOperations.writeDurably(Data("\(revision)\n".utf8), to: workspace.revisionMarker)
    }
}
