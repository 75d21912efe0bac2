import CMalloc
import JobStore
import ServiceLifecycle

/// Keeps the agent's resident memory flat over months of jobs.
///
/// glibc keeps freed memory in its arenas, one per busy thread, where it counts as resident although nothing
/// uses it; with the agent's many short-lived allocations (a job's rows, paths, events) RSS crept up by some
/// 13 KB per job in `make bench`. Two arenas suit a two-to-four core server, and handing free pages back
/// every 10 seconds costs well under a millisecond.
struct MemoryTrimmer: Service {
    static let interval = Duration.seconds(10)

    /// Call before the agent starts its threads: arenas made earlier stay.
    static func limitArenas(to count: Int32 = 2) {
        _ = mallopt(M_ARENA_MAX, count)
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: Self.interval)
                _ = malloc_trim(0)
            }
        }
    }
}
