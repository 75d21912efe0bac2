/// Hands out worker slots: at most `total` stages run at once, at most the folder's `max_concurrent` per
/// folder, and waiting folders are served in turn so one busy folder cannot starve the others.
actor WorkerSlots {
    private var total: Int
    private var limits: [String: Int]
    private var running: [String: Int] = [:]
    private var waiting: [String: [CheckedContinuation<Void, Never>]] = [:]
    /// Folders in the order they get the next free slot; a served folder goes to the back.
    private var turn: [String] = []

    init(total: Int, limits: [String: Int]) {
        self.total = max(1, total)
        self.limits = limits
    }

    var runningCount: Int { running.values.reduce(0, +) }
    var waitingCount: Int { waiting.values.reduce(0) { $0 + $1.count } }

    /// Runs `work` holding one slot of `folder`.
    func withSlot<T: Sendable>(for folder: String, _ work: @Sendable () async throws -> T) async rethrows -> T {
        await acquire(folder)
        defer { release(folder) }
        return try await work()
    }

    /// A reload's new limits; stages already running keep their slots.
    func update(total: Int, limits: [String: Int]) {
        self.total = max(1, total)
        self.limits = limits
        grant()
    }

    private func acquire(_ folder: String) async {
        if waiting.isEmpty, canRun(folder) {
            running[folder, default: 0] += 1
            return
        }
        await withCheckedContinuation { continuation in
            waiting[folder, default: []].append(continuation)
            if !turn.contains(folder) { turn.append(folder) }
            grant()
        }
    }

    private func release(_ folder: String) {
        running[folder, default: 1] -= 1
        grant()
    }

    private func canRun(_ folder: String) -> Bool {
        runningCount < total && running[folder, default: 0] < limits[folder, default: total]
    }

    private func grant() {
        var index = 0
        while runningCount < total, index < turn.count {
            let folder = turn[index]
            guard canRun(folder), var queue = waiting[folder], !queue.isEmpty else {
                index += 1
                continue
            }
            let continuation = queue.removeFirst()
            waiting[folder] = queue.isEmpty ? nil : queue
            running[folder, default: 0] += 1
            turn.remove(at: index)
            if waiting[folder] != nil { turn.append(folder) }
            continuation.resume()
            index = 0
        }
    }
}
