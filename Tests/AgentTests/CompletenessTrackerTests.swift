@testable import Agent
import JobStore
import Testing

@Suite struct CompletenessTrackerTests {
    let start = ContinuousClock.now
    func at(_ seconds: Double) -> ContinuousClock.Instant { start + .milliseconds(Int64(seconds * 1000)) }
    func snapshot(_ size: Int64, _ mtime: Int64 = 1) -> FileSnapshot { FileSnapshot(size: size, modifiedNanoseconds: mtime) }

    @Test func closedFileIsCompleteAfterStabilityUnchanged() {
        var tracker = CompletenessTracker(stability: .seconds(2))
        #expect(false == tracker.note("a.pdf", .closed, snapshot: snapshot(100), now: at(0)))
        #expect(tracker.due(at: at(1)).isEmpty)
        #expect(tracker.due(at: at(2)) == ["a.pdf"])
        #expect(true == tracker.observe("a.pdf", snapshot: snapshot(100), now: at(2)))
    }

    @Test func growingFileIsNotCompleteUntilItStops() {
        var tracker = CompletenessTracker(stability: .seconds(2))
        _ = tracker.note("slow.pdf", .scanned, snapshot: snapshot(10), now: at(0))
        #expect(false == tracker.observe("slow.pdf", snapshot: snapshot(20, 2), now: at(2)))
        #expect(false == tracker.observe("slow.pdf", snapshot: snapshot(30, 3), now: at(4)))
        #expect(false == tracker.observe("slow.pdf", snapshot: snapshot(30, 3), now: at(5)))
        #expect(true == tracker.observe("slow.pdf", snapshot: snapshot(30, 3), now: at(6)))
    }

    @Test func touchedFileWithSameSizeRestartsTheWait() {
        var tracker = CompletenessTracker(stability: .seconds(2))
        _ = tracker.note("a.pdf", .closed, snapshot: snapshot(10, 1), now: at(0))
        #expect(false == tracker.observe("a.pdf", snapshot: snapshot(10, 2), now: at(2)))
        #expect(true == tracker.observe("a.pdf", snapshot: snapshot(10, 2), now: at(4)))
    }

    @Test func fileStillOpenForWritingWaitsForTheGraceTime() {
        var tracker = CompletenessTracker(stability: .seconds(2))
        _ = tracker.note("open.pdf", .created, snapshot: snapshot(10), now: at(0))
        #expect(false == tracker.observe("open.pdf", snapshot: snapshot(10), now: at(5)))
        #expect(true == tracker.observe("open.pdf", snapshot: snapshot(10), now: at(30)))
    }

    @Test func closeAfterCreateUsesTheStabilityTime() {
        var tracker = CompletenessTracker(stability: .seconds(2))
        _ = tracker.note("a.pdf", .created, snapshot: snapshot(0), now: at(0))
        _ = tracker.note("a.pdf", .closed, snapshot: snapshot(100), now: at(1))
        #expect(tracker.due(at: at(3)) == ["a.pdf"])
        #expect(true == tracker.observe("a.pdf", snapshot: snapshot(100), now: at(3)))
    }

    @Test func overflowForgetsWhoIsWriting() {
        var tracker = CompletenessTracker(stability: .seconds(2))
        _ = tracker.note("a.pdf", .created, snapshot: snapshot(10), now: at(0))
        tracker.forgetWriters()
        #expect(true == tracker.observe("a.pdf", snapshot: snapshot(10), now: at(2)))
    }

    @Test func zeroStabilityCompletesAClosedFileAtOnce() {
        var tracker = CompletenessTracker(stability: .zero)
        #expect(true == tracker.note("a.pdf", .closed, snapshot: snapshot(10), now: at(0)))
        #expect(false == tracker.note("b.pdf", .created, snapshot: snapshot(10), now: at(0)))
    }
}
