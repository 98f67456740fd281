import Foundation

/// The sample ratio mismatch test: Pearson's chi-square goodness-of-fit test of the gray and normal
/// request counts against the traffic split the rollout configured, as `scipy.stats.chisquare` computes it.
///
/// A small p-value means the router did not split traffic as configured, so the cohorts may differ in
/// more than the model and the other comparisons are suspect.
struct SampleRatioMismatchTest: Sendable, Equatable {
    /// Share of all requests that went to the gray cohort.
    let observedGrayShare: Double

    /// Share of requests the rollout sends to the gray cohort.
    let expectedGrayShare: Double

    /// Pearson statistic Σ (observed − expected)² / expected over the two cohorts.
    let statistic: Double

    /// Upper-tail probability of `statistic` under the chi-squared distribution with 1 degree of freedom.
    let pValue: Double

    /// Creates the test from the request counts of both cohorts and the configured gray share.
    ///
    /// Returns `nil` when both counts are 0, a count is negative, or `expectedGrayShare` is not strictly
    /// between 0 and 1.
    init?(grayCount: Int, normalCount: Int, expectedGrayShare: Double) {
        guard grayCount >= 0, normalCount >= 0, grayCount + normalCount > 0,
              expectedGrayShare > 0, expectedGrayShare < 1
        else { return nil }

        let total = Double(grayCount + normalCount)
        let expectedGray = total * expectedGrayShare
        let expectedNormal = total * (1 - expectedGrayShare)
        let grayDifference = Double(grayCount) - expectedGray
        let normalDifference = Double(normalCount) - expectedNormal

        observedGrayShare = Double(grayCount) / total
        self.expectedGrayShare = expectedGrayShare
        statistic = grayDifference * grayDifference / expectedGray
            + normalDifference * normalDifference / expectedNormal
        pValue = ChiSquaredDistribution.survival(statistic, degreesOfFreedom: 1)
    }
}
