import Bridge

/// A job's private folder under state_dir/jobs/: stage results and worker logs live here until published.
struct JobWorkspace: Sendable {
    let directory: String

    init(jobsDirectory: String, id: JobID) { directory = jobsDirectory + "/" + id.rawValue }

    var report: String { directory + "/report.json" }
    var reportHTML: String { directory + "/report.html" }
    var proofs: String { directory + "/proofs" }
    var printReady: String { directory + "/print-ready.pdf" }
    /// The PDF made from an image file, proofed and then made print-ready like any PDF.
    var converted: String { directory + "/artwork.pdf" }
    func log(_ stage: WorkerStage) -> String { directory + "/\(stage.rawValue).log" }
}
