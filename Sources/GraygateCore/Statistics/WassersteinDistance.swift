/// The 1-Wasserstein (earth mover's) distance between two one-dimensional samples.
enum WassersteinDistance {
    /// Returns ∫|F_gray(x) − F_normal(x)| dx over the two empirical CDFs, as
    /// `scipy.stats.wasserstein_distance`, or `nil` when either sample is empty.
    ///
    /// - Complexity: O(d₁ + d₂) for d₁ and d₂ distinct values: one merge pass, summing the CDF gap times the
    ///   width of each interval between consecutive pooled values.
    static func distance(_ gray: WeightedSample, _ normal: WeightedSample) -> Double? {
        guard !gray.isEmpty, !normal.isEmpty else { return nil }

        let grayTotal = Double(gray.totalCount)
        let normalTotal = Double(normal.totalCount)
        var grayBelow = 0
        var normalBelow = 0
        var grayIndex = 0
        var normalIndex = 0
        var previous: Double?
        var sum = 0.0

        while grayIndex < gray.values.count || normalIndex < normal.values.count {
            let grayValue = grayIndex < gray.values.count ? gray.values[grayIndex] : .infinity
            let normalValue = normalIndex < normal.values.count ? normal.values[normalIndex] : .infinity
            let value = min(grayValue, normalValue)

            // The CDFs up to here are constant on [previous, value).
            if let previous {
                let gap = abs(Double(grayBelow) / grayTotal - Double(normalBelow) / normalTotal)
                sum += gap * (value - previous)
            }

            if grayValue == value {
                grayBelow += gray.counts[grayIndex]
                grayIndex += 1
            }
            if normalValue == value {
                normalBelow += normal.counts[normalIndex]
                normalIndex += 1
            }
            previous = value
        }
        return sum
    }
}
