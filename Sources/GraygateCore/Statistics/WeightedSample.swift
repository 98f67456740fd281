/// A sample stored as its distinct values in ascending order, each with the number of times it occurs.
///
/// Every statistical test in graygate reads this one shape. An exact sample (every observed value) and a
/// sketch (bucket representatives with bucket counts) both produce it, so the tests do not care which
/// accumulator filled them, and ties are explicit rather than rediscovered by sorting.
public struct WeightedSample: Sendable, Equatable {
    /// Distinct finite values in strictly ascending order.
    public let values: [Double]

    /// The number of observations of each value in `values`; every count is positive.
    public let counts: [Int]

    /// The number of observations, the sum of `counts`.
    public let totalCount: Int

    /// Creates a sample from distinct ascending values and their positive counts.
    ///
    /// - Precondition: `values` is strictly ascending and finite, `counts` has the same length, and every
    ///   count is positive. Callers build these from sorted data, so a violation is a programming error.
    public init(sortedValues values: [Double], counts: [Int]) {
        precondition(values.count == counts.count, "values and counts differ in length")
        var total = 0
        for index in values.indices {
            precondition(values[index].isFinite, "sample values must be finite")
            precondition(counts[index] > 0, "sample counts must be positive")
            precondition(index == 0 || values[index - 1] < values[index], "sample values must be strictly ascending")
            total += counts[index]
        }
        self.values = values
        self.counts = counts
        self.totalCount = total
    }

    /// Creates a sample from observations in any order, grouping equal values.
    ///
    /// Non-finite observations are dropped, because no statistic here is defined on them.
    public init<Observations: Sequence<Double>>(observations: Observations) {
        let sorted = observations.filter(\.isFinite).sorted()
        var values: [Double] = []
        var counts: [Int] = []
        for value in sorted {
            if let last = values.last, last == value {
                counts[counts.count - 1] += 1
            } else {
                values.append(value == 0 ? 0 : value)  // Folds -0.0 into 0.0 so they group together.
                counts.append(1)
            }
        }
        self.init(sortedValues: values, counts: counts)
    }

    /// An empty sample.
    public static let empty = WeightedSample(sortedValues: [], counts: [])

    /// A Boolean value that indicates whether the sample has no observations.
    public var isEmpty: Bool { totalCount == 0 }

    /// The smallest observation, or `nil` for an empty sample.
    public var minimum: Double? { values.first }

    /// The largest observation, or `nil` for an empty sample.
    public var maximum: Double? { values.last }

    /// Returns the observation of 0-based rank `rank` in ascending order.
    ///
    /// - Complexity: O(log d), where d is the number of distinct values, through binary search on the
    ///   cumulative counts, which are computed on each call: O(d) in all.
    func value(atRank rank: Int) -> Double {
        precondition(rank >= 0 && rank < totalCount, "rank out of range")
        var seen = 0
        for index in values.indices {
            seen += counts[index]
            if rank < seen { return values[index] }
        }
        preconditionFailure("counts do not add up to totalCount")
    }
}
