import Foundation
import Testing

@testable import GraygateCore

@Suite("Chi-square test")
struct ChiSquareTestTests {
    @Test("matches scipy vectors", arguments: ReferenceVectors.all)
    func matchesVector(_ vector: ReferenceVector) throws {
        let expected = vector.expected.at("comparison.label_chi2")
        let counts = vector.labelCounts
        let test = ChiSquareTest(grayCounts: counts.gray, normalCounts: counts.normal)
        guard expected["defined"].bool == true else {
            #expect(test == nil)
            return
        }
        let result = try #require(test)
        let expectedTable = expected["table"].array.map { $0.array.compactMap(\.int) }

        #expect(counts.labels == expected["labels"].array.compactMap(\.string))
        #expect([counts.gray, counts.normal] == expectedTable)
        #expect(isClose(result.statistic, expected["statistic"].double))
        #expect(isClose(result.pValue, expected["p_value"].double, relative: 1e-6, absolute: 0))
        #expect(result.degreesOfFreedom == expected["dof"].int)
        #expect(isClose(result.minimumExpected, expected["min_expected"].double))
        #expect(result.cellsExpectedBelowFive == expected["cells_expected_lt_5"].int)

        let yates = expected["yates_2x2"]
        #expect(isClose(result.yatesStatistic, yates["statistic"].double))
        #expect(isClose(result.yatesPValue, yates["p_value"].double, relative: 1e-6, absolute: 0))
    }

    @Test("2 × 2 table with Yates")
    func twoByTwoWithYates() throws {
        // scipy.stats.chi2_contingency([[5, 3], [4, 6]], correction=False): 0.8999999999999999,
        // p 0.34278171114790873. With correction=True: 0.22499999999999998, p 0.6352562959972484.
        let test = try #require(ChiSquareTest(grayCounts: [5, 3], normalCounts: [4, 6]))
        #expect(isClose(test.statistic, 0.8999999999999999))
        #expect(isClose(test.pValue, 0.34278171114790873, relative: 1e-12))
        #expect(test.degreesOfFreedom == 1)
        #expect(isClose(test.yatesStatistic, 0.22499999999999998))
        #expect(isClose(test.yatesPValue, 0.6352562959972484, relative: 1e-12))
    }

    @Test("2 × 4 table")
    func twoByFour() throws {
        // scipy.stats.chi2_contingency([[1, 2, 3, 4], [4, 3, 2, 1]], correction=False): 4.0,
        // p 0.26146412994911117, dof 3, min expected 2.5.
        let test = try #require(ChiSquareTest(grayCounts: [1, 2, 3, 4], normalCounts: [4, 3, 2, 1]))
        #expect(isClose(test.statistic, 4.0))
        #expect(isClose(test.pValue, 0.26146412994911117, relative: 1e-12))
        #expect(test.degreesOfFreedom == 3)
        #expect(test.minimumExpected == 2.5)
        #expect(test.cellsExpectedBelowFive == 8)
        #expect(test.yatesStatistic == nil)
        #expect(test.yatesPValue == nil)
    }

    @Test("empty columns are dropped")
    func emptyColumnsDropped() throws {
        let sparse = try #require(ChiSquareTest(grayCounts: [12, 0, 30, 8, 0], normalCounts: [20, 0, 25, 15, 0]))
        let dense = try #require(ChiSquareTest(grayCounts: [12, 30, 8], normalCounts: [20, 25, 15]))
        // scipy.stats.chi2_contingency([[12, 30, 8], [20, 25, 15]], correction=False): 3.7065217391304355,
        // p 0.15672527148819576, dof 2.
        #expect(sparse == dense)
        #expect(isClose(dense.statistic, 3.7065217391304355))
        #expect(isClose(dense.pValue, 0.15672527148819576, relative: 1e-12))
        #expect(dense.degreesOfFreedom == 2)
    }

    @Test("single category has zero dof")
    func singleCategory() throws {
        let test = try #require(ChiSquareTest(grayCounts: [0, 7], normalCounts: [0, 9]))
        #expect(test.degreesOfFreedom == 0)
        #expect(test.statistic == 0)
        #expect(test.pValue == 1)
        #expect(test.yatesStatistic == nil)
    }

    @Test("disjoint categories underflow p")
    func disjointCategories() throws {
        // scipy.stats.chi2_contingency([[1000, 0], [0, 1000]]): 2000.0 and p 0.0 without correction,
        // 1996.002 and p 0.0 with it.
        let test = try #require(ChiSquareTest(grayCounts: [1000, 0], normalCounts: [0, 1000]))
        #expect(isClose(test.statistic, 2000))
        #expect(test.pValue == 0)
        #expect(isClose(test.yatesStatistic, 1996.002))
    }

    @Test("empty cohort gives nil")
    func emptyCohort() {
        #expect(ChiSquareTest(grayCounts: [0, 0], normalCounts: [3, 4]) == nil)
        #expect(ChiSquareTest(grayCounts: [3, 4], normalCounts: [0, 0]) == nil)
        #expect(ChiSquareTest(grayCounts: [], normalCounts: []) == nil)
    }
}
