import Foundation

/// The Hodges-Lehmann estimate of the shift gray − normal, with its distribution-free confidence interval.
///
/// The estimate is the median of the n₁n₂ pairwise differences gᵢ − nⱼ. The interval is
/// [D₍ₖ₎, D₍N+1−ₖ₎] over the N ordered differences with k = ⌊N/2 − z·√(n₁n₂(n₁+n₂+1)/12) + 0.5⌋, clamped to
/// [1, N], and z the normal quantile for the confidence level (Hollander and Wolfe). That k uses the
/// variance of U without tie correction, so with many ties the interval is conservative.
struct HodgesLehmannEstimate: Sendable, Equatable {
    /// The median pairwise difference, or for an even count the mean of the two middle ones, as numpy's median.
    let estimate: Double

    /// The lower confidence bound, the k-th smallest pairwise difference.
    let lower: Double

    /// The upper confidence bound, the (N + 1 − k)-th smallest pairwise difference.
    let upper: Double

    /// The number of pairwise differences, n₁n₂.
    let pairCount: Int

    /// The coverage the interval was computed for, such as 0.95.
    let confidenceLevel: Double

    /// Computes the estimate and interval, or returns `nil` when either sample is empty.
    ///
    /// - Complexity: O((d₁ + d₂) · 64) per order statistic, for d₁ and d₂ distinct values, independent of the
    ///   counts. The n₁n₂ differences are never stored.
    /// - Precondition: `confidenceLevel` is in (0, 1), and n₁n₂ fits in an `Int`.
    init?(gray: WeightedSample, normal: WeightedSample, confidenceLevel: Double = 0.95) {
        precondition(confidenceLevel > 0 && confidenceLevel < 1, "confidence level must be in (0, 1)")
        guard !gray.isEmpty, !normal.isEmpty else { return nil }

        let n1 = gray.totalCount
        let n2 = normal.totalCount
        let (pairCount, overflow) = n1.multipliedReportingOverflow(by: n2)
        precondition(!overflow, "the number of pairs n1 * n2 overflows Int")

        let differences = PairwiseDifferences(gray: gray, normal: normal)
        if pairCount % 2 == 1 {
            estimate = differences.orderStatistic(pairCount / 2 + 1)
        } else {
            estimate = (differences.orderStatistic(pairCount / 2) + differences.orderStatistic(pairCount / 2 + 1)) / 2
        }

        let z = NormalDistribution.quantile(1 - (1 - confidenceLevel) / 2)
        let spread = (Double(n1) * Double(n2) * Double(n1 + n2 + 1) / 12).squareRoot()
        let rank = (Double(pairCount) / 2 - z * spread + 0.5).rounded(.down)
        let lowerRank = Int(min(max(rank, 1), Double(pairCount)))
        lower = differences.orderStatistic(lowerRank)
        upper = differences.orderStatistic(pairCount + 1 - lowerRank)

        self.pairCount = pairCount
        self.confidenceLevel = confidenceLevel
    }
}

/// The multiset of differences g − n over all (gray, normal) pairs, queried without being stored.
private struct PairwiseDifferences {
    let gray: WeightedSample
    let normal: WeightedSample

    /// Returns the k-th smallest difference (1-based), a difference exactly as computed in `Double`.
    ///
    /// Bisects over the ordered bit patterns of doubles for the smallest d with at least k differences
    /// ≤ d. The count changes only at difference values, so that d is itself a difference, found after at
    /// most 64 counts.
    func orderStatistic(_ k: Int) -> Double {
        var low = OrderedBits(gray.values[0] - normal.values[normal.values.count - 1])
        var high = OrderedBits(gray.values[gray.values.count - 1] - normal.values[0])
        if count(atMost: low.value) >= k {
            return low.value
        }

        // Invariant: count(atMost: low) < k <= count(atMost: high). The midpoint equals low once the keys
        // are adjacent, so no key difference is formed, which could overflow.
        while true {
            let middle = OrderedBits.midpoint(low, high)
            if middle.key == low.key {
                break
            }
            if count(atMost: middle.value) >= k {
                high = middle
            } else {
                low = middle
            }
        }
        return high.value
    }

    /// Returns the number of pairs whose computed difference g − n is at most `bound`.
    ///
    /// For a fixed g, g − n falls as n rises (rounding keeps it monotone), so the qualifying normal values
    /// form a suffix. As g rises, that suffix starts no earlier, so one pointer sweeps both samples.
    private func count(atMost bound: Double) -> Int {
        let normalTotal = normal.totalCount
        return gray.values.withUnsafeBufferPointer { grayValues in
            gray.counts.withUnsafeBufferPointer { grayCounts in
                normal.values.withUnsafeBufferPointer { normalValues in
                    normal.counts.withUnsafeBufferPointer { normalCounts in
                        var total = 0
                        var normalIndex = 0
                        var normalBelow = 0  // Observations of normal values before `normalIndex`.
                        for grayIndex in 0..<grayValues.count {
                            let grayValue = grayValues[grayIndex]
                            while normalIndex < normalValues.count, grayValue - normalValues[normalIndex] > bound {
                                normalBelow += normalCounts[normalIndex]
                                normalIndex += 1
                            }
                            total += grayCounts[grayIndex] * (normalTotal - normalBelow)
                        }
                        return total
                    }
                }
            }
        }
    }
}

/// A finite double paired with an integer key that orders the same way, for bisection down to one ulp.
private struct OrderedBits {
    let value: Double
    let key: Int64

    init(_ value: Double) {
        let bits = Int64(bitPattern: value.bitPattern)
        self.value = value
        self.key = bits >= 0 ? bits : -(bits & Int64.max)  // -0.0 and 0.0 share key 0.
    }

    private init(key: Int64) {
        let magnitude = UInt64(key.magnitude)
        self.value = key >= 0 ? Double(bitPattern: magnitude) : -Double(bitPattern: magnitude)
        self.key = key
    }

    /// Returns the value whose key is halfway between the keys of `low` and `high`, rounded down.
    static func midpoint(_ low: OrderedBits, _ high: OrderedBits) -> OrderedBits {
        // Halving first keeps the sum in range; the last term restores the carry of two odd keys.
        OrderedBits(key: (low.key >> 1) + (high.key >> 1) + (low.key & high.key & 1))
    }
}
