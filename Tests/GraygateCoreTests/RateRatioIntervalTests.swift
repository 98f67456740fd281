import Foundation
import Testing

@testable import GraygateCore

@Suite("Rate ratio interval")
struct RateRatioIntervalTests {
    @Test("matches statsmodels log method", arguments: IntervalReference.all)
    func matchesReference(_ reference: IntervalReference) {
        let interval = RateRatioInterval.katzLog(
            grayErrors: reference.grayErrors, grayCount: reference.grayCount,
            normalErrors: reference.normalErrors, normalCount: reference.normalCount,
            confidenceLevel: reference.confidenceLevel
        )
        guard let expected = reference.ratio else {
            #expect(interval == nil)
            return
        }
        #expect(isClose(interval?.estimate, expected.estimate))
        #expect(isClose(interval?.lower, expected.lower))
        #expect(isClose(interval?.upper, expected.upper))
    }

    @Test("zero gray errors gets correction")
    func zeroGrayErrors() throws {
        // With 0.5 added to every cell: (0.5 / 101) / (4.5 / 101) = 1/9.
        let interval = try #require(
            RateRatioInterval.katzLog(grayErrors: 0, grayCount: 100, normalErrors: 4, normalCount: 100)
        )
        #expect(isClose(interval.estimate, 1.0 / 9.0))
        #expect(interval.lower > 0)
        #expect(interval.upper.isFinite)
        #expect(interval.lower < interval.estimate)
        #expect(interval.estimate < interval.upper)
    }

    @Test("zero normal errors stays finite")
    func zeroNormalErrors() throws {
        let interval = try #require(
            RateRatioInterval.katzLog(grayErrors: 4, grayCount: 100, normalErrors: 0, normalCount: 100)
        )
        #expect(isClose(interval.estimate, 9.0))
        #expect(interval.upper.isFinite)
    }

    @Test("invalid input gives nil")
    func invalidInput() {
        #expect(RateRatioInterval.katzLog(grayErrors: 0, grayCount: 10, normalErrors: 0, normalCount: 10) == nil)
        #expect(RateRatioInterval.katzLog(grayErrors: 1, grayCount: 0, normalErrors: 1, normalCount: 10) == nil)
        #expect(RateRatioInterval.katzLog(grayErrors: 11, grayCount: 10, normalErrors: 1, normalCount: 10) == nil)
        #expect(RateRatioInterval.katzLog(
            grayErrors: 1, grayCount: 10, normalErrors: 1, normalCount: 10, confidenceLevel: 1.5
        ) == nil)
    }
}
