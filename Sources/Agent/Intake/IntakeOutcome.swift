import Bridge
import JobStore

/// What happened to a complete file the watcher handed to intake.
enum IntakeOutcome: Sendable, Equatable {
    /// Claimed and recorded as a job.
    case claimed(JobID)
    /// Moved to unsupported/ with a reason file beside it.
    case setAside(path: String, reason: String)
    /// Cannot be opened for reading yet (locked by its writer); look again later.
    case notReadableYet
    /// Gone before it could be claimed (the sender removed or renamed it).
    case vanished
    /// Artwork waiting for its sidecar ticket, or a ticket waiting for its artwork; look again later.
    case waiting
}
