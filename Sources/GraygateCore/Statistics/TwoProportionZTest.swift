import Foundation

/// The pooled two-proportion z-test of the error rates of the gray and normal cohorts.
///
/// z = (p̂_gray − p̂_normal) / √(p̂(1 − p̂)(1/n_gray + 1/n_normal)), with p̂ the pooled error rate and no
/// continuity correction, so z² equals the Pearson chi-square statistic of the 2 × 2 table.
struct TwoProportionZTest: Sendable, Equatable {
    /// Error rate of the gray cohort.
    let rateGray: Double

    /// Error rate of the normal cohort.
    let rateNormal: Double

    /// Difference of the error rates, gray − normal.
    let difference: Double

    /// Error rate of both cohorts together.
    let pooledRate: Double

    /// Test statistic, positive when the gray cohort has the higher error rate, and 0 when degenerate.
    let z: Double

    /// Two-sided p-value 2Φ(−|z|), which underflows to 0 once |z| exceeds about 38.5.
    let pValue: Double

    /// log₁₀ of `pValue`, finite where `pValue` underflows.
    let log10PValue: Double

    /// A Boolean value that indicates whether the pooled rate is 0 or 1.
    ///
    /// Both rates are then equal and the standard error is 0, so z is set to 0 and the p-value to 1.
    let isDegenerate: Bool

    /// Creates the test from the error counts and request counts of both cohorts.
    ///
    /// Returns `nil` when a cohort has no requests, or when an error count is negative or exceeds its
    /// request count.
    init?(grayErrors: Int, grayCount: Int, normalErrors: Int, normalCount: Int) {
        guard grayCount > 0, normalCount > 0,
              (0...grayCount).contains(grayErrors), (0...normalCount).contains(normalErrors)
        else { return nil }

        let grayTotal = Double(grayCount)
        let normalTotal = Double(normalCount)
        rateGray = Double(grayErrors) / grayTotal
        rateNormal = Double(normalErrors) / normalTotal
        difference = rateGray - rateNormal
        pooledRate = Double(grayErrors + normalErrors) / Double(grayCount + normalCount)

        let standardError = (pooledRate * (1 - pooledRate) * (1 / grayTotal + 1 / normalTotal)).squareRoot()
        isDegenerate = standardError == 0
        if isDegenerate {
            z = 0
            pValue = 1
            log10PValue = 0
        } else {
            z = difference / standardError
            pValue = NormalDistribution.twoSidedPValue(z)
            log10PValue = NormalDistribution.log10TwoSidedPValue(z)
        }
    }
}
