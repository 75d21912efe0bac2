@testable import Agent
import Bridge
import Foundation
import JobStore
import TestFixtures
import Testing

@Suite struct FileOperationsTests {
    @Test func candidateNamesGetFourDigitSuffixes() {
        #expect(Array(FileOperations.candidateNames(for: "card.pdf").prefix(3)) == ["card.pdf", "card_0001.pdf", "card_0002.pdf"])
        #expect(Array(FileOperations.candidateNames(for: "scan").prefix(2)) == ["scan", "scan_0001"])
    }

    @Test func moveNeverOverwrites() throws {
        let directory = try makeTemporaryDirectory("move")
        let target = directory.appendingPathComponent("out").path
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        try Data("old".utf8).write(to: URL(fileURLWithPath: target + "/card.pdf"))
        let source = directory.appendingPathComponent("card.pdf").path
        try Data("new".utf8).write(to: URL(fileURLWithPath: source))
        let moved = try FileOperations.move(source, into: target, preferredName: "card.pdf")
        #expect(moved == target + "/card_0001.pdf")
        #expect(try String(contentsOfFile: target + "/card.pdf", encoding: .utf8) == "old")
        #expect(try String(contentsOfFile: moved, encoding: .utf8) == "new")
        #expect(!FileManager.default.fileExists(atPath: source))
    }

    @Test func aDurableCopyNeverOverwritesAndLeavesNoHiddenFile() throws {
        let directory = try makeTemporaryDirectory("copy")
        let source = directory.appendingPathComponent("card.pdf").path
        try Data(repeating: 7, count: 3_000_000).write(to: URL(fileURLWithPath: source))
        let out = directory.appendingPathComponent("out").path
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try FileOperations.copyDurably(source, to: out + "/card.pdf")
        #expect(try Data(contentsOf: URL(fileURLWithPath: out + "/card.pdf")) == Data(contentsOf: URL(fileURLWithPath: source)))
        #expect(throws: FileOperationError.self) { try FileOperations.copyDurably(source, to: out + "/card.pdf") }
        #expect(throws: FileOperationError.self) { try FileOperations.copyDurably(source + ".missing", to: out + "/other.pdf") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: out) == ["card.pdf"], "no .hfa-*.tmp left behind")
    }

    @Test func aStoppedJobWaitsLongerEachTimeUpToFiveMinutes() {
        let backoff = RetryBackoff()
        let id = JobID.generate()
        let now = ContinuousClock.now
        #expect(!backoff.isWaiting(id, now: now))
        #expect(backoff.stopped(id, now: now) == .seconds(5))
        #expect(backoff.isWaiting(id, now: now + .seconds(4)) && !backoff.isWaiting(id, now: now + .seconds(5)))
        #expect(backoff.stopped(id, now: now) == .seconds(10))
        for _ in 0..<10 { backoff.stopped(id, now: now) }
        #expect(backoff.stopped(id, now: now) == .seconds(300))
        backoff.settled(id)
        #expect(!backoff.isWaiting(id, now: now))
        #expect(backoff.stopped(id, now: now) == .seconds(5))
    }

    @Test func sha256MatchesAKnownValue() throws {
        let path = try makeTemporaryDirectory("hash").appendingPathComponent("abc").path
        try Data("abc".utf8).write(to: URL(fileURLWithPath: path))
        let (hex, size) = try FileOperations.sha256(of: path)
        #expect(hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(size == 3)
    }

    @Test func externalIdComesFromTheNamedGroup() {
        #expect(Intake.externalId(from: "ORD-1234_front.pdf", pattern: "^(?<externalId>ORD-[0-9]+)_") == "ORD-1234")
        #expect(Intake.externalId(from: "A77-card.pdf", pattern: "^(?<orderReference>[A-Z][0-9]+)-") == "A77")
        #expect(Intake.externalId(from: "card.pdf", pattern: "^(?<externalId>ORD-[0-9]+)_") == nil)
        #expect(Intake.externalId(from: "card.pdf", pattern: nil) == nil)
    }
}

@Suite struct InterruptedMoveTests {
    @Test func aMoveInterruptedBetweenLinkAndUnlinkIsFinishedNotRepeated() throws {
        let directory = try makeTemporaryDirectory("relink")
        let target = directory.appendingPathComponent("originals").path
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        try Data("other".utf8).write(to: URL(fileURLWithPath: target + "/card.pdf"))
        let source = directory.appendingPathComponent("card.pdf").path
        try Data("mine".utf8).write(to: URL(fileURLWithPath: source))
        // The crash: linked as card_0001.pdf, source name not yet removed.
        #expect(link(source, target + "/card_0001.pdf") == 0)
        let moved = try FileOperations.move(source, into: target, preferredName: "card.pdf")
        #expect(moved == target + "/card_0001.pdf")
        #expect(try FileManager.default.contentsOfDirectory(atPath: target).sorted() == ["card.pdf", "card_0001.pdf"])
        #expect(!FileManager.default.fileExists(atPath: source))
    }
}
