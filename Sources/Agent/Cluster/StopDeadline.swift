import Foundation
import JobStore
import Logging

/// The longest a node taken for dead may take to stop before it exits at once.
///
/// Such a node owns nothing any more: its jobs are held by another under a new lease, and whatever it
/// still writes is refused. It stops as on SIGTERM, but a store call cut off while it stalled (the server
/// ended its session mid-transaction) can leave a task that never returns, and a stop that waits for it
/// would keep a dead member running for ever. After `limit` it exits failed, so that systemd starts it
/// again as a new member; its workers die with it (`WorkerLifeline`).
enum StopDeadline {
    static let limit = Duration.seconds(20)

    static func arm(after limit: Duration = Self.limit, logger: Logger) {
        let seconds = limit.seconds
        // Off the cooperative pool: the tasks it guards against may be what keeps that pool busy.
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds) {
            logger.critical("this server did not stop in time after being taken for dead; exiting now",
                            metadata: ["limit_s": "\(seconds)"])
            // The log writes each line with write(2): nothing is left in a buffer to flush.
            _exit(EXIT_FAILURE)
        }
    }
}
