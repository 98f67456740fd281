import Foundation

/// A confidence interval for the ratio of the error rates, gray / normal.
struct RateRatioInterval: Sendable, Equatable {
    /// Point estimate of rateGray / rateNormal, at the geometric center of the interval.
    ///
    /// When an error count is 0 this is the ratio after the 0.5 correction described at `katzLog`, so it
    /// stays finite and positive rather than being 0 or infinite.
    let estimate: Double

    /// Lower bound.
    let lower: Double

    /// Upper bound.
    let upper: Double

    /// Returns the log (Katz) interval for rateGray / rateNormal.
    ///
    /// The result is `nil` when both error counts are 0, a cohort has no requests, an error count is
    /// negative or exceeds its request count, or `confidenceLevel` is not strictly between 0 and 1.
    ///
    /// The bounds are exp(ln(p₁/p₂) ∓ z·√(1/x₁ − 1/n₁ + 1/x₂ − 1/n₂)) for x errors in n requests: the
    /// delta-method interval on the log scale. When an error count is 0, every cell of the 2 × 2 table gets
    /// 0.5 added first (each x grows by 0.5 and each n by 1), the usual Haldane-Anscombe correction, because
    /// without it one bound would be 0 or infinite.
    ///
    /// Without zero counts this equals statsmodels'
    /// `confint_proportions_2indep(..., compare='ratio', method='log')`. With a zero count, statsmodels'
    /// `method='log'` returns a zero or undefined bound, and its `method='log-adjusted'` differs from this
    /// correction: it always adds 0.5 to each x and to each n.
    static func katzLog(
        grayErrors: Int, grayCount: Int, normalErrors: Int, normalCount: Int, confidenceLevel: Double = 0.95
    ) -> RateRatioInterval? {
        guard grayCount > 0, normalCount > 0,
              (0...grayCount).contains(grayErrors), (0...normalCount).contains(normalErrors),
              grayErrors > 0 || normalErrors > 0,
              confidenceLevel > 0, confidenceLevel < 1
        else { return nil }

        let correction = grayErrors == 0 || normalErrors == 0 ? 0.5 : 0
        let x1 = Double(grayErrors) + correction
        let n1 = Double(grayCount) + 2 * correction
        let x2 = Double(normalErrors) + correction
        let n2 = Double(normalCount) + 2 * correction

        let ratio = (x1 / n1) / (x2 / n2)
        let standardError = (1 / x1 - 1 / n1 + 1 / x2 - 1 / n2).squareRoot()
        let criticalValue = -NormalDistribution.quantile((1 - confidenceLevel) / 2)
        let logRatio = log(ratio)
        return RateRatioInterval(
            estimate: ratio,
            lower: exp(logRatio - criticalValue * standardError),
            upper: exp(logRatio + criticalValue * standardError)
        )
    }
}
