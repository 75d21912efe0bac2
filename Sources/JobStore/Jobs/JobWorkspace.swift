import Foundation

/// The job's private storage under the state directory: stage results the agent writes and the bridge serves.
///
/// Outputs are also copied into the hot folder's out/ folders for operators, who may move or delete them;
/// these copies stay where the API can find them.
public struct JobWorkspace: Sendable {
    public let directory: String

    public init(jobsDirectory: String, id: JobID) { directory = jobsDirectory + "/" + id.rawValue }

    private init(directory: String) { self.directory = directory }

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

    // MARK: Parts

    /// Where the stages of part `name` of a multi-part job write, laid out as a workspace's: its report,
    /// proofs, fixed copy and print-ready PDF. The job's own report, proofs and print-ready file at the top
    /// level are made from these.
    public func part(_ name: String) -> JobWorkspace { JobWorkspace(directory: directory + "/parts/" + name) }

    // MARK: Revisions

    /// Names the revision whose outputs the top level holds; absent before a second revision began.
    public var revisionMarker: String { directory + "/revision" }
    /// Where an earlier revision's outputs are kept.
    public var revisionsDirectory: String { directory + "/revisions" }

    /// The revision the top level's outputs belong to: 1 without a marker.
    public var outputsRevision: Int {
        guard let data = FileManager.default.contents(atPath: revisionMarker),
              let number = Int(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else { return 1 }
        return number
    }

    /// The outputs of revision `number`, laid out as a workspace's: the top level while they are its, else
    /// `revisions/N/` once a later revision moved them there.
    public func outputs(ofRevision number: Int) -> JobWorkspace {
        number == outputsRevision ? self : JobWorkspace(directory: revisionsDirectory + "/\(number)")
    }

    /// The outputs of an earlier revision still at the top level (its report, proofs, fixed copy), moved
    /// under `revisions/N/` when the next revision begins.
    public static let revisionOutputs = ["report.json", "report.html", "proofs", "fixed.pdf", "artwork.pdf", "print-ready.pdf", "parts"]
}
