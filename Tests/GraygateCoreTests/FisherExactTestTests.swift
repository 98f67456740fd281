import Foundation
import Testing

@testable import GraygateCore

@Suite("Fisher exact test")
struct FisherExactTestTests {
    private func makeTest(_ vector: ReferenceVector) -> FisherExactTest? {
        FisherExactTest(
            grayErrors: vector.gray.errorCount, grayCount: vector.gray.error.count,
            normalErrors: vector.normal.errorCount, normalCount: vector.normal.error.count
        )
    }

    @Test("matches scipy vectors", arguments: ReferenceVectors.all)
    func matchesVector(_ vector: ReferenceVector) throws {
        let expected = vector.expected.at("comparison.error_rate_fisher_exact")
        guard expected["defined"].bool == true else {
            #expect(makeTest(vector) == nil)
            return
        }
        let test = try #require(makeTest(vector))
        let expectedTable = expected["table"].array.map { $0.array.compactMap(\.int) }

        #expect(test.table == expectedTable)
        #expect(isClose(test.pValue, expected["p_value"].double, relative: 1e-6, absolute: 0))
        if let oddsRatio = expected["odds_ratio"].double {
            #expect(isClose(test.oddsRatio, oddsRatio))
        } else {
            // The vectors store scipy's NaN (0/0) and infinity (x/0) both as null.
            #expect(test.oddsRatio == nil || test.oddsRatio == .infinity)
        }
    }

    struct Case: Sendable, CustomStringConvertible {
        let table: [[Int]]
        let oddsRatio: Double?
        let pValue: Double

        var description: String { "\(table)" }
    }

    // scipy.stats.fisher_exact(table, alternative='two-sided') with scipy 1.17.1, with nil for its NaN.
    static let cases: [Case] = [
        Case(table: [[0, 100], [5, 95]], oddsRatio: 0, pValue: 0.059383210468586585),
        Case(table: [[5, 95], [0, 100]], oddsRatio: .infinity, pValue: 0.059383210468586585),
        Case(table: [[0, 100], [0, 200]], oddsRatio: nil, pValue: 1),
        Case(table: [[5, 5], [5, 5]], oddsRatio: 1, pValue: 1),
        // Mirror-image tables tie in exact arithmetic, so both tails must count them.
        Case(table: [[3, 7], [7, 3]], oddsRatio: 0.1836734693877551, pValue: 0.1788954079975752),
        Case(table: [[2, 8], [8, 2]], oddsRatio: 0.0625, pValue: 0.023014137565221155),
        Case(table: [[40, 60], [60, 40]], oddsRatio: 0.4444444444444444, pValue: 0.007059515495016248),
        Case(table: [[1200, 398_800], [1000, 399_000]], oddsRatio: 1.2006018054162488,
             pValue: 2.1255516952792086e-05),
        Case(table: [[30123, 2_969_877], [29000, 2_971_000]], oddsRatio: 1.0391169108327056,
             pValue: 3.527696640575304e-06),
        Case(table: [[5000, 5000], [0, 10000]], oddsRatio: .infinity, pValue: 0),
    ]

    @Test("matches scipy on hard tables", arguments: cases)
    func matchesHardTable(_ reference: Case) throws {
        let test = try #require(FisherExactTest(
            grayErrors: reference.table[0][0], grayCount: reference.table[0][0] + reference.table[0][1],
            normalErrors: reference.table[1][0], normalCount: reference.table[1][0] + reference.table[1][1]
        ))
        #expect(test.table == reference.table)
        #expect(test.oddsRatio == reference.oddsRatio)
        #expect(isClose(test.pValue, reference.pValue, relative: tolerance(for: reference.table), absolute: 0))
    }

    /// Returns the relative p-value tolerance: 1e-9, or 1e-7 beyond 10⁵ requests, where the `lgamma`
    /// rounding error reaches 1e-9 (1.9e-8 measured at 6·10⁶).
    private func tolerance(for table: [[Int]]) -> Double {
        table.joined().reduce(0, +) > 100_000 ? 1e-7 : 1e-9
    }

    @Test("millions of requests finish fast")
    func millionsFinishFast() throws {
        let clock = ContinuousClock()
        var test: FisherExactTest?
        let elapsed = clock.measure {
            test = FisherExactTest(grayErrors: 30123, grayCount: 3_000_000, normalErrors: 29000, normalCount: 3_000_000)
        }
        let pValue = try #require(test?.pValue)
        #expect(isClose(pValue, 3.527696640575304e-06, relative: 1e-7, absolute: 0))
        #expect(elapsed < .milliseconds(100), "took \(elapsed)")
    }

    @Test("invalid counts give nil")
    func invalidCounts() {
        #expect(FisherExactTest(grayErrors: 0, grayCount: 0, normalErrors: 0, normalCount: 20) == nil)
        #expect(FisherExactTest(grayErrors: 0, grayCount: 20, normalErrors: 0, normalCount: 0) == nil)
        #expect(FisherExactTest(grayErrors: 21, grayCount: 20, normalErrors: 0, normalCount: 20) == nil)
        #expect(FisherExactTest(grayErrors: -1, grayCount: 20, normalErrors: 0, normalCount: 20) == nil)
    }
}
