import Foundation
import Pipeline

/// The settings an integrator may give a job through the API, each overriding its hot folder's.
public struct JobOrder: Sendable, Hashable, Codable {
    public var approval: ApprovalPolicy?
    public var preflightProfile: String?
    /// BCP 47 tag for texts shown to the customer (the proof page).
    public var language: String?
    public var callbackURL: String?
    /// The fix-ups this job asked for instead of its hot folder's; nil: the folder's.
    public var fixups: [FixUpID]?
    /// The integrator's own key-value pairs, returned untouched.
    public var metadata: [String: String]

    public init(approval: ApprovalPolicy? = nil, preflightProfile: String? = nil, language: String? = nil,
                callbackURL: String? = nil, fixups: [FixUpID]? = nil, metadata: [String: String] = [:]) {
        self.fixups = fixups
        self.approval = approval
        self.preflightProfile = preflightProfile
        self.language = language
        self.callbackURL = callbackURL
        self.metadata = metadata
    }
}

/// Whether a proof waits for a person before the print-ready file is made.
public enum ApprovalPolicy: String, Sendable, Hashable, Codable, CaseIterable {
    case auto, required
}
