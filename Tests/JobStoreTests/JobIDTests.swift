import Foundation
import JobStore
import Testing

@Suite struct JobIDTests {
    @Test func hasPrefixAndTwentySixCrockfordCharacters() {
        let id = JobID.generate()
        #expect(id.rawValue.hasPrefix("job_"))
        #expect(id.rawValue.count == 30)
        #expect(JobID(id.rawValue) == id)
    }

    @Test func idsSortByCreationEvenWithinOneMillisecond() {
        let date = Date()
        let ids = (0..<1000).map { _ in JobID.generate(at: date) }
        #expect(ids == ids.sorted())
        #expect(Set(ids).count == 1000)
        #expect(JobID.generate(at: date.addingTimeInterval(-3600)) > ids.last!, "never goes backwards")
        let later = JobID.generate(at: date.addingTimeInterval(1))
        #expect(later > ids.last!)
    }

    @Test func refusesPathTricksAndMalformedIds() {
        #expect(JobID("job_../../etc/passwd") == nil)
        #expect(JobID("job_01ARZ3NDEKTSV4RRFFQ69G5FAV") != nil)
        #expect(JobID("job_01ARZ3NDEKTSV4RRFFQ69G5FAU") == nil, "U is not Crockford base32")
        #expect(JobID("01ARZ3NDEKTSV4RRFFQ69G5FAV") == nil)
    }

    @Test func encodesTheMillisecondsInTheFirstTenCharacters() {
        // The ULID spec's example: 1469918176385 ms -> 01ARYZ6S41.
        let ulid = ULID(milliseconds: 1_469_918_176_385, randomness: (0, 0))
        #expect(ulid.description == "01ARYZ6S410000000000000000")
        let last = ULID(milliseconds: 1_469_918_176_385, randomness: (0xFFFF, .max))
        #expect(last.description == "01ARYZ6S41ZZZZZZZZZZZZZZZZ")
    }
}
