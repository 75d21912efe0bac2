import CInotify
import Foundation
import Logging
import Synchronization

/// Owns libinotifytools, which keeps global state and is not thread-safe: every call to it happens on the
/// one thread this type starts. Folders register through a command queue; events come back on an
/// `AsyncStream` per folder.
final class InotifyThread: Sendable {
    private struct State {
        var pending: [Command] = []
        var streams: [String: AsyncStream<InotifyEvent>.Continuation] = [:]
        var isStopping = false
    }

    private enum Command {
        case watch(String, AsyncStream<InotifyEvent>.Continuation, CheckedContinuation<Void, any Error>)
        case unwatch(String)
    }

    private let state = Mutex(State())
    private let logger: Logger

    static let watchedEvents = Int32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE_SELF | IN_MOVE_SELF)

    init(logger: Logger) {
        self.logger = logger
        let thread = Thread { [self] in self.loop() }
        thread.name = "inotify"
        thread.start()
    }

    /// Starts watching `directory`; the stream ends when `unwatch` or `stop` is called.
    func watch(_ directory: String) async throws -> AsyncStream<InotifyEvent> {
        let (stream, continuation) = AsyncStream<InotifyEvent>.makeStream(bufferingPolicy: .unbounded)
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            state.withLock { $0.pending.append(.watch(directory, continuation, done)) }
        }
        return stream
    }

    func unwatch(_ directory: String) {
        state.withLock { $0.pending.append(.unwatch(directory)) }
    }

    /// Ends every stream and lets the thread exit within a second.
    func stop() {
        state.withLock { $0.isStopping = true }
    }

    private func loop() {
        guard inotifytools_initialize() != 0 else {
            let error = inotifytools_error()
            logger.critical("inotify cannot start; hot folders fall back to polling", metadata: ["errno": "\(error)"])
            failAll(InotifyError.unavailable(errno: error))
            return
        }
        var directoriesByDescriptor: [Int32: String] = [:]
        while true {
            let (commands, stopping) = state.withLock { state -> ([Command], Bool) in
                defer { state.pending.removeAll() }
                return (state.pending, state.isStopping)
            }
            if stopping { break }
            for command in commands {
                switch command {
                case .watch(let directory, let continuation, let done):
                    if inotifytools_watch_file(directory, Self.watchedEvents) != 0 {
                        // libinotifytools stores folder names with a trailing slash.
                        var descriptor = inotifytools_wd_from_filename(directory + "/")
                        if descriptor < 0 { descriptor = inotifytools_wd_from_filename(directory) }
                        directoriesByDescriptor[descriptor] = directory
                        state.withLock { $0.streams[directory] = continuation }
                        done.resume()
                    } else {
                        done.resume(throwing: InotifyError.cannotWatch(directory: directory, errno: inotifytools_error()))
                    }
                case .unwatch(let directory):
                    if inotifytools_remove_watch_by_filename(directory + "/") == 0 {
                        _ = inotifytools_remove_watch_by_filename(directory)
                    }
                    directoriesByDescriptor = directoriesByDescriptor.filter { $0.value != directory }
                    state.withLock { $0.streams.removeValue(forKey: directory)?.finish() }
                }
            }
            // A one-second timeout bounds how long a new watch or a stop request waits.
            guard let event = inotifytools_next_event(1) else { continue }
            dispatch(event, directories: directoriesByDescriptor)
        }
        state.withLock { state in
            for continuation in state.streams.values { continuation.finish() }
            state.streams.removeAll()
        }
        inotifytools_cleanup()
    }

    private func dispatch(_ pointer: UnsafeMutablePointer<inotify_event>, directories: [Int32: String]) {
        let mask = pointer.pointee.mask
        let name = String(cString: cinotify_event_name(pointer))
        if mask & UInt32(IN_Q_OVERFLOW) != 0 {
            state.withLock { for continuation in $0.streams.values { continuation.yield(.overflow) } }
            return
        }
        guard let directory = directories[pointer.pointee.wd] else { return }
        let event: InotifyEvent?
        if mask & UInt32(IN_DELETE_SELF | IN_MOVE_SELF) != 0 {
            event = .folderGone
        } else if mask & UInt32(IN_ISDIR) != 0 {
            event = nil
        } else if mask & UInt32(IN_MOVED_TO) != 0 {
            event = .movedIn(name: name)
        } else if mask & UInt32(IN_CLOSE_WRITE) != 0 {
            event = .closedAfterWriting(name: name)
        } else if mask & UInt32(IN_CREATE) != 0 {
            event = .created(name: name)
        } else {
            event = nil
        }
        if let event {
            _ = state.withLock { $0.streams[directory]?.yield(event) }
        }
    }

    private func failAll(_ error: InotifyError) {
        while true {
            let (commands, stopping) = state.withLock { state -> ([Command], Bool) in
                defer { state.pending.removeAll() }
                return (state.pending, state.isStopping)
            }
            for case .watch(_, let continuation, let done) in commands {
                continuation.finish()
                done.resume(throwing: error)
            }
            if stopping { return }
            Thread.sleep(forTimeInterval: 0.2)
        }
    }
}

enum InotifyError: Error, CustomStringConvertible {
    case unavailable(errno: Int32)
    case cannotWatch(directory: String, errno: Int32)

    var description: String {
        switch self {
        case .unavailable(let code): "inotify is unavailable (\(String(cString: strerror(code))))"
        case .cannotWatch(let directory, let code): "cannot watch \(directory) with inotify (\(String(cString: strerror(code))))"
        }
    }
}
