@testable import Agent
import Synchronization
import Testing

/// Records what ran, and how many ran at once, overall and per folder.
final class SlotRecorder: Sendable {
    private struct State {
        var now: [String: Int] = [:]
        var peak: [String: Int] = [:]
        var total = 0
        var peakTotal = 0
        var order: [String] = []
    }
    private let state = Mutex(State())

    func enter(_ folder: String) {
        state.withLock { state in
            state.now[folder, default: 0] += 1
            state.total += 1
            state.peak[folder] = max(state.peak[folder, default: 0], state.now[folder, default: 0])
            state.peakTotal = max(state.peakTotal, state.total)
            state.order.append(folder)
        }
    }

    func leave(_ folder: String) {
        state.withLock { state in
            state.now[folder, default: 0] -= 1
            state.total -= 1
        }
    }

    var peaks: [String: Int] { state.withLock { $0.peak } }
    var peakTotal: Int { state.withLock { $0.peakTotal } }
    var order: [String] { state.withLock { $0.order } }
}

@Suite struct WorkerSlotsTests {
    @Test func respectsTotalAndPerFolderLimits() async {
        let slots = WorkerSlots(total: 3, limits: ["slow": 1, "fast": 3])
        let recorder = SlotRecorder()
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<30 {
                let folder = index % 2 == 0 ? "slow" : "fast"
                group.addTask {
                    await slots.withSlot(for: folder) {
                        recorder.enter(folder)
                        try? await Task.sleep(for: .milliseconds(2))
                        recorder.leave(folder)
                    }
                }
            }
        }
        #expect(recorder.peakTotal <= 3)
        #expect(recorder.peaks["slow"] == 1)
        #expect(recorder.order.count == 30)
        #expect(await slots.runningCount == 0)
    }

    @Test func aBusyFolderDoesNotStarveAnother() async {
        let slots = WorkerSlots(total: 1, limits: [:])
        let recorder = SlotRecorder()
        let gate = AsyncStream<Void>.makeStream()
        await withTaskGroup(of: Void.self) { group in
            // Hold the only slot while 10 "busy" and then 1 "quiet" request queue up.
            group.addTask { await slots.withSlot(for: "holder") { for await _ in gate.stream {} } }
            while await slots.runningCount == 0 { await Task.yield() }
            for _ in 0..<10 {
                group.addTask { await slots.withSlot(for: "busy") { recorder.enter("busy") } }
            }
            while await slots.waitingCount < 10 { await Task.yield() }
            group.addTask { await slots.withSlot(for: "quiet") { recorder.enter("quiet") } }
            while await slots.waitingCount < 11 { await Task.yield() }
            gate.continuation.finish()
        }
        let served = recorder.order
        #expect(served.count == 11)
        let position = served.firstIndex(of: "quiet") ?? 99
        #expect(position <= 1, "the quiet folder waited behind \(position) busy jobs")
    }
}
