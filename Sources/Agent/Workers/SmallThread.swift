import Foundation

/// A detached pthread with a 64 KiB stack, for a thread that only blocks in one system call (waitpid for a
/// worker, read on a worker's lifeline): far cheaper than Foundation's Thread, and off the cooperative pool.
enum SmallThread {
    /// Starts `body` with `context`; false when no thread can be had (EAGAIN under a process limit).
    static func start(context: UnsafeMutableRawPointer?,
                      _ body: @convention(c) (UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer?) -> Bool {
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        pthread_attr_setstacksize(&attributes, 64 * 1024)
        var thread = pthread_t()
        return pthread_create(&thread, &attributes, body, context) == 0
    }
}
