import Foundation

/// A confidence interval for the difference of the error rates, gray − normal.
struct ProportionDifferenceInterval: Sendable, Equatable {
    /// Lower bound, at least −1.
    let lower: Double

    /// Upper bound, at most 1.
    let upper: Double

    /// Returns Newcombe's hybrid score interval for rateGray − rateNormal.
    ///
    /// The result is `nil` when a cohort has no requests, an error count is negative or exceeds its request
    /// count, or `confidenceLevel` is not strictly between 0 and 1.
    ///
    /// This is Newcombe's method 10. With (l₁, u₁) and (l₂, u₂) the Wilson score intervals of the two rates
    /// p₁ and p₂, the bounds are
    /// p₁ − p₂ − √((p₁ − l₁)² + (u₂ − p₂)²) and p₁ − p₂ + √((u₁ − p₁)² + (p₂ − l₂)²).
    /// Unlike the Wald interval it stays informative with zero errors in a cohort and never leaves [−1, 1].
    /// It equals statsmodels' `confint_proportions_2indep(..., compare='diff', method='newcomb')`.
    static func newcombe(
        grayErrors: Int, grayCount: Int, normalErrors: Int, normalCount: Int, confidenceLevel: Double = 0.95
    ) -> ProportionDifferenceInterval? {
        guard grayCount > 0, normalCount > 0,
              (0...grayCount).contains(grayErrors), (0...normalCount).contains(normalErrors),
              confidenceLevel > 0, confidenceLevel < 1
        else { return nil }

        let criticalValue = -NormalDistribution.quantile((1 - confidenceLevel) / 2)
        let grayRate = Double(grayErrors) / Double(grayCount)
        let normalRate = Double(normalErrors) / Double(normalCount)
        let gray = wilsonInterval(errors: grayErrors, count: grayCount, criticalValue: criticalValue)
        let normal = wilsonInterval(errors: normalErrors, count: normalCount, criticalValue: criticalValue)

        let difference = grayRate - normalRate
        let lowerDistance = hypot(grayRate - gray.lower, normal.upper - normalRate)
        let upperDistance = hypot(gray.upper - grayRate, normalRate - normal.lower)
        return ProportionDifferenceInterval(lower: difference - lowerDistance, upper: difference + upperDistance)
    }

    /// Returns the Wilson score interval of one proportion, clipped to [0, 1].
    ///
    /// The bounds are (p + z²/2n ± z √(p(1 − p)/n + z²/4n²)) / (1 + z²/n) for p = errors/count.
    private static func wilsonInterval(
        errors: Int, count: Int, criticalValue z: Double
    ) -> (lower: Double, upper: Double) {
        let n = Double(count)
        let p = Double(errors) / n
        let zSquared = z * z
        let denominator = 1 + zSquared / n
        let center = (p + zSquared / (2 * n)) / denominator
        let halfWidth = z * (p * (1 - p) / n + zSquared / (4 * n * n)).squareRoot() / denominator
        return (max(0, center - halfWidth), min(1, center + halfWidth))
    }
}
