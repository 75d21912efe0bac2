/// What the inotify thread reports for one watched folder.
enum InotifyEvent: Sendable, Equatable {
    /// A file was renamed into the folder: complete at once.
    case movedIn(name: String)
    /// A writer closed the file: complete once it stays unchanged for the stability time.
    case closedAfterWriting(name: String)
    /// A file appeared and is being written.
    case created(name: String)
    /// The kernel dropped events (IN_Q_OVERFLOW); only a full rescan can tell what happened.
    case overflow
    /// The watched folder itself was deleted or moved away.
    case folderGone
}
