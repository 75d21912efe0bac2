import Synchronization

/// The hot folders API jobs may name, shared by every copy of the bridge's configuration so that a config
/// reload (SIGHUP) reaches the running bridge without restarting it.
public final class HotfolderCatalog: Sendable {
    private let folders: Mutex<[HotfolderDefaults]>

    public init(_ folders: [HotfolderDefaults]) {
        self.folders = Mutex(folders)
    }

    /// In config order; an API job without `hotfolder` uses the first.
    public var current: [HotfolderDefaults] { folders.withLock { $0 } }

    public func replace(with folders: [HotfolderDefaults]) { self.folders.withLock { $0 = folders } }
}
