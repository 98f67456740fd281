import Foundation

/// Pearson's chi-square test of independence on the 2 × k table of category counts in the gray and normal
/// cohorts, as `scipy.stats.chi2_contingency(table, correction=False)` computes it.
///
/// The approximation by the chi-squared distribution is poor when expected counts are small, so the test
/// also reports the smallest expected count and the number of cells expected below 5.
struct ChiSquareTest: Sendable, Equatable {
    /// Pearson statistic Σ (observed − expected)² / expected over all cells, or 0 when there are no degrees
    /// of freedom.
    let statistic: Double

    /// Upper-tail probability of `statistic` under the chi-squared distribution, or 1 when there are no
    /// degrees of freedom.
    let pValue: Double

    /// Number of categories minus 1, after categories absent from both cohorts are dropped.
    let degreesOfFreedom: Int

    /// Smallest expected cell count.
    let minimumExpected: Double

    /// Number of cells whose expected count is below 5.
    let cellsExpectedBelowFive: Int

    /// Statistic with Yates's continuity correction, for a 2 × 2 table only.
    ///
    /// Each |observed − expected| shrinks by 0.5, or to 0 where it is smaller than 0.5, as scipy's default
    /// `correction=True` does.
    let yatesStatistic: Double?

    /// Upper-tail probability of `yatesStatistic` with 1 degree of freedom, for a 2 × 2 table only.
    let yatesPValue: Double?

    /// Creates the test from per-category counts, where index i of both arrays counts the same category.
    ///
    /// Categories with a count of 0 in both cohorts are dropped. Returns `nil` when either cohort has no
    /// observations.
    ///
    /// - Precondition: Both arrays have the same length and no negative count.
    init?(grayCounts: [Int], normalCounts: [Int]) {
        precondition(grayCounts.count == normalCounts.count, "category counts of the cohorts are not aligned")
        precondition(!grayCounts.contains { $0 < 0 } && !normalCounts.contains { $0 < 0 }, "negative count")

        let columns = zip(grayCounts, normalCounts).filter { $0.0 > 0 || $0.1 > 0 }
        let grayTotal = columns.reduce(0) { $0 + $1.0 }
        let normalTotal = columns.reduce(0) { $0 + $1.1 }
        guard grayTotal > 0, normalTotal > 0 else { return nil }

        let total = Double(grayTotal + normalTotal)
        var observed: [Double] = []
        var expected: [Double] = []
        for (gray, normal) in columns {
            let columnTotal = Double(gray + normal)
            observed += [Double(gray), Double(normal)]
            expected += [Double(grayTotal) * columnTotal / total, Double(normalTotal) * columnTotal / total]
        }
        minimumExpected = expected.min() ?? 0
        cellsExpectedBelowFive = expected.filter { $0 < 5 }.count

        degreesOfFreedom = columns.count - 1
        if degreesOfFreedom == 0 {
            // The only category has the same share, 100 %, in both cohorts.
            statistic = 0
            pValue = 1
        } else {
            statistic = Self.pearsonStatistic(observed: observed, expected: expected, correction: 0)
            pValue = ChiSquaredDistribution.survival(statistic, degreesOfFreedom: Double(degreesOfFreedom))
        }

        if columns.count == 2 {
            let corrected = Self.pearsonStatistic(observed: observed, expected: expected, correction: 0.5)
            yatesStatistic = corrected
            yatesPValue = ChiSquaredDistribution.survival(corrected, degreesOfFreedom: 1)
        } else {
            yatesStatistic = nil
            yatesPValue = nil
        }
    }

    /// Returns Σ (|observed − expected| − c)² / expected, where c is `correction` or the difference itself
    /// when that is smaller.
    private static func pearsonStatistic(observed: [Double], expected: [Double], correction: Double) -> Double {
        var sum = 0.0
        for (observedCount, expectedCount) in zip(observed, expected) {
            let difference = abs(observedCount - expectedCount)
            let shrunk = difference - min(correction, difference)
            sum += shrunk * shrunk / expectedCount
        }
        return sum
    }
}
