import Foundation

/// A pipe between the agent and one worker, both ends close-on-exec and numbered 10 or higher, so that
/// mapping an end onto a low descriptor of the child (3, 4) never overwrites another end on the way.
final class WorkerPipe {
    private(set) var readEnd: Int32
    private(set) var writeEnd: Int32

    init() throws(ChildProcessError) {
        var ends: [Int32] = [-1, -1]
        guard systemPipe2(&ends, O_CLOEXEC) == 0 else { throw .couldNotStart(executable: "a worker pipe", errno: errno) }
        readEnd = Self.raised(ends[0])
        writeEnd = Self.raised(ends[1])
    }

    private static func raised(_ descriptor: Int32) -> Int32 {
        guard descriptor < 10 else { return descriptor }
        let moved = fcntl(descriptor, F_DUPFD_CLOEXEC, 10)
        guard moved >= 0 else { return descriptor }
        close(descriptor)
        return moved
    }

    func closeReadEnd() {
        if readEnd >= 0 { close(readEnd) }
        readEnd = -1
    }

    func closeWriteEnd() {
        if writeEnd >= 0 { close(writeEnd) }
        writeEnd = -1
    }

    deinit {
        closeReadEnd()
        closeWriteEnd()
    }
}

/// glibc's pipe2, which Swift's Glibc module does not import: close-on-exec from the start, so a worker
/// spawned by another thread at the same moment never inherits another worker's pipe.
@_silgen_name("pipe2")
private func systemPipe2(_ descriptors: UnsafeMutablePointer<Int32>, _ flags: Int32) -> Int32
