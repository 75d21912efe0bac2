@testable import Agent
import Foundation
import JobStore
import Testing

/// Which claim folder a job's path is in, and where it goes in this node's claim area.
@Suite struct ClaimHomeTests {
    let work = "/srv/hot/cards/.work"

    @Test func aPathInAnotherNodesAreaMovesWithItsFolder() throws {
        let moved = try #require(ClaimHome.claimFolder(of: work + "/node-2/job_01ARZ3NDEKTSV4RRFFQ69G5FAW/card.pdf", work: work,
                                                       home: work + "/node-1"))
        #expect(moved.from == work + "/node-2/job_01ARZ3NDEKTSV4RRFFQ69G5FAW")
        #expect(moved.to == work + "/node-1/job_01ARZ3NDEKTSV4RRFFQ69G5FAW")
    }

    @Test func pathsAtHomeInTheOldLayoutOrElsewhereStay() {
        #expect(ClaimHome.claimFolder(of: work + "/node-1/job_01ARZ3NDEKTSV4RRFFQ69G5FAW/card.pdf", work: work, home: work + "/node-1") == nil)
        // A claim of the layout before claim areas were per node: recovered where it is.
        #expect(ClaimHome.claimFolder(of: work + "/job_01ARZ3NDEKTSV4RRFFQ69G5FAW/card.pdf", work: work, home: work + "/node-1") == nil)
        #expect(ClaimHome.claimFolder(of: "/srv/hot/cards/error/card.pdf", work: work, home: work + "/node-1") == nil)
        #expect(ClaimHome.claimFolder(of: "/srv/state/jobs/job_01ARZ3NDEKTSV4RRFFQ69G5FAW/upload.pdf", work: work, home: work + "/node-1") == nil)
    }
}
