import Foundation
import Testing

@testable import GraygateCore

@Suite("Two-proportion z-test")
struct TwoProportionZTestTests {
    private func makeTest(_ vector: ReferenceVector) -> TwoProportionZTest? {
        TwoProportionZTest(
            grayErrors: vector.gray.errorCount, grayCount: vector.gray.error.count,
            normalErrors: vector.normal.errorCount, normalCount: vector.normal.error.count
        )
    }

    @Test("matches scipy vectors", arguments: ReferenceVectors.all)
    func matchesVector(_ vector: ReferenceVector) throws {
        let expected = vector.expected.at("comparison.error_rate_z_test")
        guard expected["defined"].bool == true else {
            #expect(makeTest(vector) == nil)
            return
        }
        let test = try #require(makeTest(vector))

        #expect(isClose(test.rateGray, expected["rate_gray"].double))
        #expect(isClose(test.rateNormal, expected["rate_normal"].double))
        #expect(isClose(test.difference, expected["diff"].double))
        #expect(isClose(test.pooledRate, expected["pooled_rate"].double))
        #expect(isClose(test.z, expected["z"].double))
        #expect(isClosePValue(test.pValue, log10Actual: test.log10PValue,
                              expected: expected["p_value"], log10Expected: expected["log10_p_value"]))
        #expect(isClose(test.log10PValue, expected["log10_p_value"].double, relative: 0, absolute: 1e-6))
        #expect(test.isDegenerate == expected["degenerate"].bool)
    }

    @Test("no errors anywhere is degenerate")
    func noErrorsIsDegenerate() throws {
        let test = try #require(TwoProportionZTest(grayErrors: 0, grayCount: 40, normalErrors: 0, normalCount: 900))
        #expect(test.isDegenerate)
        #expect(test.z == 0)
        #expect(test.pValue == 1)
        #expect(test.log10PValue == 0)
    }

    @Test("all errors is degenerate")
    func allErrorsIsDegenerate() throws {
        let test = try #require(TwoProportionZTest(grayErrors: 3, grayCount: 3, normalErrors: 8, normalCount: 8))
        #expect(test.isDegenerate)
        #expect(test.pValue == 1)
    }

    @Test("zero-error gray cohort")
    func zeroErrorGray() throws {
        // Pooled rate 5/200, z = −0.05/√(0.025 · 0.975 · 0.02) = −2.2645540682891916;
        // 2 * scipy.special.ndtr(-2.2645540682891916) = 0.023540058261177936.
        let test = try #require(TwoProportionZTest(grayErrors: 0, grayCount: 100, normalErrors: 5, normalCount: 100))
        #expect(isClose(test.z, -2.2645540682891916, relative: 1e-12))
        #expect(isClose(test.pValue, 0.023540058261177936, relative: 1e-9))
        #expect(!test.isDegenerate)
    }

    @Test("p underflow keeps log10 p")
    func underflowKeepsLog10() throws {
        // z = 81.6496580927726, and (log(2) + scipy.special.log_ndtr(-z)) / log(10) = -1449.6583524395876.
        let test = try #require(
            TwoProportionZTest(grayErrors: 5000, grayCount: 10000, normalErrors: 0, normalCount: 10000)
        )
        #expect(isClose(test.z, 81.6496580927726, relative: 1e-12))
        #expect(test.pValue == 0)
        #expect(isClose(test.log10PValue, -1449.6583524395876, relative: 1e-12))
    }

    @Test("invalid counts give nil")
    func invalidCounts() {
        #expect(TwoProportionZTest(grayErrors: 0, grayCount: 0, normalErrors: 0, normalCount: 10) == nil)
        #expect(TwoProportionZTest(grayErrors: 0, grayCount: 10, normalErrors: 0, normalCount: 0) == nil)
        #expect(TwoProportionZTest(grayErrors: 11, grayCount: 10, normalErrors: 0, normalCount: 10) == nil)
        #expect(TwoProportionZTest(grayErrors: 0, grayCount: 10, normalErrors: -1, normalCount: 10) == nil)
    }
}
