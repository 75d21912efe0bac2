import Bridge
import Foundation
import JobStore

/// Copies a durable stage result from the job's workspace into a hot folder's output folder, once.
///
/// The chosen name is recorded in the store before the file appears, so a job resumed after a crash finds
/// its own output instead of publishing a second `_0001` copy. A recorded output whose content differs
/// from the new result (the report of an earlier, failed run of a retried job) is replaced in place.
struct OutputPublisher: Sendable {
    let store: any JobStore
    let job: Job
    let folder: HotFolderConfiguration

    func publish(_ source: String, as output: String, into directory: String, name: String) async throws {
        let recorded = try await store.outputs(of: job.id)[output]
        if let recorded, FileOperations.exists(recorded) {
            try await Blocking.run {
                if try FileOperations.sameContent(recorded, source) { return }
                try FileOperations.copyDurably(source, to: recorded, replacing: true)
            }
            return
        }
        try FileOperations.createDirectory(directory)
        var candidates = FileOperations.candidateNames(for: name).makeIterator()
        while let candidate = candidates.next() {
            let destination = directory + "/" + candidate
            if destination != recorded && FileOperations.exists(destination) { continue }
            try await store.recordOutput(job.id, name: output, path: destination)
            do {
                try await Blocking.run { try FileOperations.copyDurably(source, to: destination) }
                return
            } catch FileOperationError.failed(_, _, let code) where code == EEXIST {
                continue
            }
        }
        throw FileOperationError.noFreeName(directory: directory, name: name)
    }
}
