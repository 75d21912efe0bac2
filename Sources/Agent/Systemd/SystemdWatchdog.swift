import Foundation
import Synchronization

/// Feeds systemd's watchdog (WatchdogSec=) with WATCHDOG=1 at half the interval systemd asked for.
///
/// `feed()` is called from the scheduler's own loop, not from a timer of its own: if that loop stops going
/// round, the pings stop and systemd restarts the agent.
final class SystemdWatchdog: Sendable {
    private let notifier: SystemdNotifier
    let interval: Duration
    private let lastFed = Mutex<ContinuousClock.Instant?>(nil)

    init(notifier: SystemdNotifier, interval: Duration) {
        self.notifier = notifier
        self.interval = interval
    }

    /// The watchdog systemd configured for this process (WATCHDOG_USEC, and WATCHDOG_PID if set is ours).
    static func fromEnvironment(notifier: SystemdNotifier?) -> SystemdWatchdog? {
        let environment = ProcessInfo.processInfo.environment
        defer {
            unsetenv("WATCHDOG_USEC")
            unsetenv("WATCHDOG_PID")
        }
        guard let notifier, let text = environment["WATCHDOG_USEC"], let microseconds = UInt64(text), microseconds > 0 else { return nil }
        if let pid = environment["WATCHDOG_PID"], pid_t(pid) != getpid() { return nil }
        return SystemdWatchdog(notifier: notifier, interval: .microseconds(microseconds))
    }

    func feed() {
        let now = ContinuousClock.now
        let due = lastFed.withLock { last -> Bool in
            guard last.map({ now - $0 >= interval / 2 }) ?? true else { return false }
            last = now
            return true
        }
        if due { notifier.notify("WATCHDOG=1") }
    }
}
