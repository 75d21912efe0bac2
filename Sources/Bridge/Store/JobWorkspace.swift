/// The job's private storage under the state directory: stage results the agent writes and the bridge serves.
///
/// Outputs are also copied into the hot folder's out/ folders for operators, who may move or delete them;
/// these copies stay where the API can find them.
public struct JobWorkspace: Sendable {
    public let directory: String

    public init(jobsDirectory: String, id: JobID) { directory = jobsDirectory + "/" + id.rawValue }

    public var report: String { directory + "/report.json" }
    public var reportHTML: String { directory + "/report.html" }
    public var proofs: String { directory + "/proofs" }
    public var printReady: String { directory + "/print-ready.pdf" }
    /// The PDF made from an image file, proofed and then made print-ready like any PDF.
    public var converted: String { directory + "/artwork.pdf" }
    /// The PDF the fix-ups made from the original (only when one applied): what is proofed and made print-ready.
    public var fixed: String { directory + "/fixed.pdf" }
    /// Where a file uploaded through the API waits as the job's claimed original.
    public var upload: String { directory + "/upload" }
    public func log(_ stage: String) -> String { directory + "/\(stage).log" }
    public func proofPage(_ number: Int) -> String { proofs + "/page-\(number).png" }
    public var thumbnail: String { proofs + "/thumbnail.png" }
    public var proofSheet: String { proofs + "/proof.pdf" }
}
