import Foundation
import Pipeline

/// The file one part of a multi-part job arrived as (see `ProductPart`): claimed, hashed, and moved with the
/// job's other originals when it ends.
public struct JobPartFile: Sendable, Hashable, Codable {
    /// The part's name in the product ("front", "cover").
    public var part: String
    public var fileName: String
    /// Where the file lives while the job runs (the folder's claim area or the job's upload folder).
    public var claimedPath: String
    /// Where it is now: the claimed path, then originals/ or error/ when the job ends.
    public var originalPath: String?
    public var sha256: String
    public var sizeBytes: Int64
    public var kind: ArtworkKind?
    public var receivedAt: Date

    public init(part: String, fileName: String, claimedPath: String, originalPath: String?, sha256: String, sizeBytes: Int64,
                kind: ArtworkKind?, receivedAt: Date) {
        self.part = part
        self.fileName = fileName
        self.claimedPath = claimedPath
        self.originalPath = originalPath
        self.sha256 = sha256
        self.sizeBytes = sizeBytes
        self.kind = kind
        self.receivedAt = receivedAt
    }
}

extension Job {
    /// The parts the product asks for that have no file yet, in the product's order.
    public var missingParts: [String] {
        let received = Set(parts.map(\.part))
        return product.partNames.filter { !received.contains($0) }
    }

    /// The file of part `name`, when it has arrived.
    public func file(ofPart name: String) -> JobPartFile? { parts.first { $0.part == name } }
}

extension ProductSpec {
    /// `files` in the order of the product's parts (a part it does not list, last by name): the one order
    /// a job's parts are kept, proofed and printed in.
    func inPartOrder(_ files: [JobPartFile]) -> [JobPartFile] {
        let order = partNames
        return files.sorted { (order.firstIndex(of: $0.part) ?? .max, $0.part) < (order.firstIndex(of: $1.part) ?? .max, $1.part) }
    }
}

extension Job {
    /// The originals that still sit where they were claimed (the job's file, or each part's): what ending
    /// the job must move aside.
    public var originalsStillClaimed: [String] {
        if product.hasParts { return parts.filter { $0.originalPath == $0.claimedPath }.map(\.claimedPath) }
        guard let claimed = claimedPath, originalPath == claimed else { return [] }
        return [claimed]
    }
}
