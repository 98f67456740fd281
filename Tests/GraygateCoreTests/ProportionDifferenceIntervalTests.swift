import Foundation
import Testing

@testable import GraygateCore

@Suite("Proportion difference interval")
struct ProportionDifferenceIntervalTests {
    @Test("matches statsmodels newcomb", arguments: IntervalReference.all)
    func matchesReference(_ reference: IntervalReference) throws {
        let interval = try #require(ProportionDifferenceInterval.newcombe(
            grayErrors: reference.grayErrors, grayCount: reference.grayCount,
            normalErrors: reference.normalErrors, normalCount: reference.normalCount,
            confidenceLevel: reference.confidenceLevel
        ))
        #expect(isClose(interval.lower, reference.differenceLower))
        #expect(isClose(interval.upper, reference.differenceUpper))
    }

    @Test("interval contains difference", arguments: IntervalReference.all)
    func containsDifference(_ reference: IntervalReference) throws {
        let interval = try #require(ProportionDifferenceInterval.newcombe(
            grayErrors: reference.grayErrors, grayCount: reference.grayCount,
            normalErrors: reference.normalErrors, normalCount: reference.normalCount
        ))
        let difference = Double(reference.grayErrors) / Double(reference.grayCount)
            - Double(reference.normalErrors) / Double(reference.normalCount)
        #expect(interval.lower <= difference)
        #expect(difference <= interval.upper)
        #expect(interval.lower >= -1)
        #expect(interval.upper <= 1)
    }

    @Test("higher confidence is wider")
    func higherConfidenceIsWider() throws {
        let narrow = try #require(ProportionDifferenceInterval.newcombe(
            grayErrors: 12, grayCount: 400, normalErrors: 9, normalCount: 500, confidenceLevel: 0.9
        ))
        let wide = try #require(ProportionDifferenceInterval.newcombe(
            grayErrors: 12, grayCount: 400, normalErrors: 9, normalCount: 500, confidenceLevel: 0.99
        ))
        #expect(wide.lower < narrow.lower)
        #expect(wide.upper > narrow.upper)
    }

    @Test("invalid input gives nil")
    func invalidInput() {
        #expect(ProportionDifferenceInterval.newcombe(
            grayErrors: 0, grayCount: 0, normalErrors: 0, normalCount: 5
        ) == nil)
        #expect(ProportionDifferenceInterval.newcombe(
            grayErrors: 6, grayCount: 5, normalErrors: 0, normalCount: 5
        ) == nil)
        #expect(ProportionDifferenceInterval.newcombe(
            grayErrors: 1, grayCount: 5, normalErrors: 1, normalCount: 5, confidenceLevel: 1
        ) == nil)
        #expect(ProportionDifferenceInterval.newcombe(
            grayErrors: 1, grayCount: 5, normalErrors: 1, normalCount: 5, confidenceLevel: 0
        ) == nil)
    }
}
