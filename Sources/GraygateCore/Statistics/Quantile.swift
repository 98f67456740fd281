/// Sample quantiles of a weighted sample, computed by walking the cumulative counts.
///
/// Neither function expands the sample, so both run in O(d) time and O(1) extra memory, where d is the
/// number of distinct values, whatever the counts are.
enum Quantile {
    /// Returns the linearly interpolated quantile at `probability`, as `numpy.quantile` computes it by
    /// default (Hyndman-Fan type 7), or `nil` for an empty sample.
    ///
    /// With n observations x₀ ≤ … ≤ xₙ₋₁, h = (n − 1)p, a = x⌊h⌋, b = x⌊h⌋₊₁ and t = h − ⌊h⌋, the result is
    /// a + t(b − a) for t < 0.5 and b − (1 − t)(b − a) otherwise. That is numpy's own two-sided lerp, so
    /// the result equals numpy's to the last bit.
    ///
    /// - Precondition: `probability` is in [0, 1].
    static func linear(_ sample: WeightedSample, probability: Double) -> Double? {
        precondition(probability >= 0 && probability <= 1, "probability must be in [0, 1]")
        guard !sample.isEmpty else { return nil }

        let lastRank = sample.totalCount - 1
        let virtualIndex = Double(lastRank) * probability
        if virtualIndex >= Double(lastRank) {
            return sample.values[sample.values.count - 1]
        }

        let lowerRank = Int(virtualIndex.rounded(.down))
        let (a, b) = values(atRank: lowerRank, and: lowerRank + 1, in: sample)
        let fraction = virtualIndex - Double(lowerRank)
        let difference = b - a
        if fraction >= 0.5 {
            return b - difference * (1 - fraction)
        }
        return a + difference * fraction
    }

    /// Returns the nearest-rank quantile x₍ₖ₎ with k = ⌈pn⌉ (1-based, at least 1), or `nil` for an empty
    /// sample.
    ///
    /// A probability such as 0.07 is not exact in binary, and 0.07 × 100 rounds to 7.000000000000001, whose
    /// ceiling is 8. So a product within a few ulps of an integer counts as that integer, which gives the
    /// k of exact decimal arithmetic, ⌈7⌉ = 7. This equals `numpy.quantile(method: "inverted_cdf")`.
    ///
    /// - Precondition: `probability` is in [0, 1].
    static func nearestRank(_ sample: WeightedSample, probability: Double) -> Double? {
        precondition(probability >= 0 && probability <= 1, "probability must be in [0, 1]")
        guard !sample.isEmpty else { return nil }

        let count = sample.totalCount
        let product = probability * Double(count)
        let nearestInteger = product.rounded()
        let rank: Double
        if abs(product - nearestInteger) <= 4 * Double.ulpOfOne * product {
            rank = nearestInteger
        } else {
            rank = product.rounded(.up)
        }
        let k = min(max(Int(rank), 1), count)
        return values(atRank: k - 1, and: k - 1, in: sample).0
    }

    /// Returns the observations of 0-based ranks `first` and `second` (first ≤ second) in one walk.
    private static func values(atRank first: Int, and second: Int, in sample: WeightedSample) -> (Double, Double) {
        var firstValue: Double?
        var seen = 0
        for index in sample.values.indices {
            seen += sample.counts[index]
            if firstValue == nil, first < seen {
                firstValue = sample.values[index]
            }
            if let firstValue, second < seen {
                return (firstValue, sample.values[index])
            }
        }
        preconditionFailure("rank out of range")
    }
}
