/// Request counts at fixed latency bounds: the buckets of a Prometheus histogram.
///
/// Every graygate instance counts at the same bounds, so `histogram_quantile` can add the buckets of many
/// instances in PromQL, which the sketch-based quantiles of `DistributionAccumulator` cannot be. Counts
/// are exact and merge by addition in any order.
struct LatencyHistogram: Sendable, Equatable, Codable {
    /// The upper bounds in milliseconds, the unit latency is recorded in. They are 5 ms to 60 s because LLM
    /// calls take tens of seconds. A value equal to a bound counts in that bound's bucket, as Prometheus's
    /// `le` means. Changing them changes the summary file format.
    static let upperBoundsMilliseconds: [Double] = [
        5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000,
    ]

    /// The upper bounds in seconds, the unit of Prometheus. Dividing these whole milliseconds by 1000 gives
    /// the doubles that the literals 0.005, 0.01 and so on denote.
    static let upperBoundsSeconds: [Double] = upperBoundsMilliseconds.map { $0 / 1000 }

    /// The bounds the counts were made with, in milliseconds, stored so that a summary file carries them.
    private(set) var upperBounds: [Double]

    /// The count of each bucket, not cumulative: `counts[i]` counts values in (bound i−1, bound i], and the
    /// last entry counts values above the largest bound.
    private(set) var counts: [Int]

    init() {
        upperBounds = Self.upperBoundsMilliseconds
        counts = Array(repeating: 0, count: Self.upperBoundsMilliseconds.count + 1)
    }

    /// The number of values recorded.
    var count: Int { counts.reduce(0, +) }

    /// The number of values at or below each bound, in bound order, then the total (the `+Inf` bucket).
    var cumulativeCounts: [Int] {
        var running = 0
        return counts.map { count in
            running += count
            return running
        }
    }

    /// Records a latency in milliseconds.
    @inline(__always)
    mutating func record(_ milliseconds: Double) {
        var index = 0
        while index < upperBounds.count && milliseconds > upperBounds[index] {
            index += 1
        }
        counts[index] += 1
    }

    mutating func merge(_ other: LatencyHistogram) {
        precondition(upperBounds == other.upperBounds, "histograms differ in bounds")
        for index in counts.indices {
            counts[index] += other.counts[index]
        }
    }

    /// Returns whether a decoded histogram has this version's bounds and non-negative counts that add up to
    /// `count`, without overflowing on a crafted file.
    func isConsistent(count expected: Int) -> Bool {
        guard upperBounds == Self.upperBoundsMilliseconds, counts.count == upperBounds.count + 1 else { return false }
        var total = 0
        for count in counts {
            guard count >= 0 else { return false }
            let (sum, overflow) = total.addingReportingOverflow(count)
            guard !overflow else { return false }
            total = sum
        }
        return total == expected
    }

    private enum CodingKeys: String, CodingKey {
        case upperBounds = "upper_bounds_ms", counts
    }
}
