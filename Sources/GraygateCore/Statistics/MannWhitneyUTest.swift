import Foundation

/// The two-sided Mann-Whitney U test of gray against normal, with the normal approximation.
///
/// This is `scipy.stats.mannwhitneyu(gray, normal, alternative: "two-sided", method: "asymptotic",
/// use_continuity: True)`: average ranks for ties, tie-corrected variance and a 0.5 continuity correction.
/// scipy's `method: "auto"` switches to the exact distribution for small samples without ties. This type
/// always uses the approximation, so its p-value does not change method as a gray release grows.
struct MannWhitneyUTest: Sendable, Equatable {
    /// The number of gray observations, n₁.
    let grayCount: Int

    /// The number of normal observations, n₂.
    let normalCount: Int

    /// The U statistic of gray: the number of (gray, normal) pairs with gray greater, ties counted half.
    let uGray: Double

    /// The U statistic of normal, n₁n₂ − U_gray.
    let uNormal: Double

    /// The mean of U under the null hypothesis, n₁n₂/2.
    let meanU: Double

    /// The tie term Σ(t³ − t) over the groups of t equal values in the pooled sample.
    let tieTermSum: Double

    /// The tie-corrected standard deviation of U under the null hypothesis.
    let standardDeviation: Double

    /// The standardized statistic (max(U_gray, U_normal) − n₁n₂/2 − 0.5)/σ.
    ///
    /// It is 0 when σ is 0 (every observation tied), where scipy returns −∞. Both give p = 1, but 0 keeps a
    /// threshold on |z| from reading a sample with no spread as significant.
    let z: Double

    /// The two-sided p-value min(1, 2Φ(−z)), which underflows to 0 beyond z ≈ 38.5 (read `log10PValue`).
    let pValue: Double

    /// log₁₀ of `pValue`, finite also where `pValue` underflows to 0.
    let log10PValue: Double

    /// The probability that a gray observation exceeds a normal one, ties counted half: U_gray/(n₁n₂).
    var auc: Double { uGray / (Double(grayCount) * Double(normalCount)) }

    /// Runs the test, or returns `nil` when either sample is empty.
    ///
    /// - Complexity: O(d₁ + d₂) for d₁ and d₂ distinct values: one merge pass over both samples.
    init?(gray: WeightedSample, normal: WeightedSample) {
        guard !gray.isEmpty, !normal.isEmpty else { return nil }

        let n1 = gray.totalCount
        let n2 = normal.totalCount
        let (twiceUGray, tieTermSum) = Self.rankSums(gray: gray, normal: normal)

        let pairCount = Double(n1) * Double(n2)
        let uGray = Double(twiceUGray) / 2
        let uNormal = pairCount - uGray
        let meanU = pairCount / 2

        let total = Double(n1 + n2)
        let variance = pairCount / 12 * ((total + 1) - tieTermSum / (total * (total - 1)))
        let standardDeviation = max(variance, 0).squareRoot()

        let numerator = max(uGray, uNormal) - meanU - 0.5
        let z = standardDeviation > 0 ? numerator / standardDeviation : 0

        self.grayCount = n1
        self.normalCount = n2
        self.uGray = uGray
        self.uNormal = uNormal
        self.meanU = meanU
        self.tieTermSum = tieTermSum
        self.standardDeviation = standardDeviation
        self.z = z

        // z is negative only when U_gray = U_normal, because the continuity correction overshoots there.
        // scipy clips 2Φ(−z) > 1 to 1, which the two-sided helpers (they fold in |z|) would not do.
        if z <= 0 {
            self.pValue = 1
            self.log10PValue = 0
        } else {
            self.pValue = min(1, 2 * NormalDistribution.survival(z))
            self.log10PValue = NormalDistribution.log10TwoSidedPValue(z)
        }
    }

    /// Returns 2·U_gray and the tie term Σ(t³ − t) from one merge pass over the distinct values.
    ///
    /// U_gray = R_gray − n₁(n₁+1)/2 with average ranks equals, summed over gray values, count × (normal
    /// observations below + half the normal observations equal). Doubled, that sum is exact in integers,
    /// unlike a sum of average ranks in floating point.
    private static func rankSums(gray: WeightedSample, normal: WeightedSample) -> (twiceUGray: Int, tieTermSum: Double) {
        var twiceUGray = 0
        var tieTermSum = 0.0
        var normalBelow = 0
        var grayIndex = 0
        var normalIndex = 0

        while grayIndex < gray.values.count || normalIndex < normal.values.count {
            let grayValue = grayIndex < gray.values.count ? gray.values[grayIndex] : .infinity
            let normalValue = normalIndex < normal.values.count ? normal.values[normalIndex] : .infinity
            let value = min(grayValue, normalValue)

            var grayTied = 0
            var normalTied = 0
            if grayValue == value {
                grayTied = gray.counts[grayIndex]
                grayIndex += 1
            }
            if normalValue == value {
                normalTied = normal.counts[normalIndex]
                normalIndex += 1
            }

            twiceUGray += grayTied * (2 * normalBelow + normalTied)
            normalBelow += normalTied

            let tied = Double(grayTied + normalTied)
            tieTermSum += tied * tied * tied - tied
        }
        return (twiceUGray, tieTermSum)
    }
}
