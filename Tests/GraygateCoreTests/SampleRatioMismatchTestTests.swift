import Foundation
import Testing

@testable import GraygateCore

@Suite("Sample ratio mismatch test")
struct SampleRatioMismatchTestTests {
    @Test("matches scipy chisquare", arguments: SampleRatioReference.all)
    func matchesReference(_ reference: SampleRatioReference) throws {
        let test = try #require(SampleRatioMismatchTest(
            grayCount: reference.grayCount, normalCount: reference.normalCount,
            expectedGrayShare: reference.expectedGrayShare
        ))
        let total = Double(reference.grayCount + reference.normalCount)

        #expect(isClose(test.statistic, reference.statistic))
        #expect(isClose(test.pValue, reference.pValue, relative: 1e-9, absolute: 0))
        #expect(test.observedGrayShare == Double(reference.grayCount) / total)
        #expect(test.expectedGrayShare == reference.expectedGrayShare)
    }

    @Test("invalid input gives nil")
    func invalidInput() {
        #expect(SampleRatioMismatchTest(grayCount: 0, normalCount: 0, expectedGrayShare: 0.5) == nil)
        #expect(SampleRatioMismatchTest(grayCount: 5, normalCount: 5, expectedGrayShare: 0) == nil)
        #expect(SampleRatioMismatchTest(grayCount: 5, normalCount: 5, expectedGrayShare: 1) == nil)
        #expect(SampleRatioMismatchTest(grayCount: 5, normalCount: 5, expectedGrayShare: .nan) == nil)
        #expect(SampleRatioMismatchTest(grayCount: -1, normalCount: 5, expectedGrayShare: 0.5) == nil)
    }
}
