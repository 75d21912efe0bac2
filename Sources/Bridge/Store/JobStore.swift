import Foundation
import Pipeline

/// The durable record of every job and its history.
///
/// A protocol so that a shared PostgreSQL store can replace the embedded SQLite one when several agents
/// serve the same folders. Every implementation promises: a state change and its event are one
/// transaction, committed durably before the call returns, and illegal transitions are refused here.
public protocol JobStore: Sendable {
    /// Records a new job in `job.status` (received or awaiting_file) with its first event.
    func create(_ job: Job, detail: String?) async throws
    func job(_ id: JobID) async throws -> Job?
    /// Jobs matching `filter`, oldest first.
    func jobs(matching filter: JobFilter) async throws -> [Job]
    /// The job's transitions, oldest first.
    func events(of id: JobID) async throws -> [JobEvent]
    /// Moves the job to `state` if its state machine allows it, writing the event in the same transaction.
    @discardableResult
    func transition(_ id: JobID, to state: JobState, detail: String?, update: JobUpdate) async throws -> Job
    /// Records where a named output (report, proof page, print-ready file) of the job is published.
    func recordOutput(_ id: JobID, name: String, path: String) async throws
    /// The job's published outputs by name.
    func outputs(of id: JobID) async throws -> [String: String]
    /// Records where the original is, or is about to be moved to, without a state change.
    func recordOriginalPath(_ id: JobID, path: String) async throws
}

extension JobStore {
    @discardableResult
    public func transition(_ id: JobID, to state: JobState, detail: String? = nil) async throws -> Job {
        try await transition(id, to: state, detail: detail, update: JobUpdate())
    }
}

/// What the store refuses, in words an operator or integrator can act on.
public enum JobStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    case notFound(JobID)
    case illegalTransition(JobID, from: JobState, to: JobState)
    case duplicate(JobID)

    public var description: String {
        switch self {
        case .notFound(let id): "there is no job \(id)"
        case .illegalTransition(let id, let from, let to): "job \(id) is \(from.rawValue) and cannot become \(to.rawValue)"
        case .duplicate(let id): "job \(id) exists already"
        }
    }
}
