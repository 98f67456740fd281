/// The distribution of one numeric field in one cohort: exact while small, a sketch once large.
///
/// The first `exactLimit` values are kept as they are, so small samples (fixtures, quiet canaries) give
/// the exact figures numpy and scipy give. When the count passes the limit the values move into a
/// `NumericSketch`, and memory stays bounded whatever the input size. Whether the result is exact depends
/// only on the total count, never on the order of recording or merging, so one run, several workers and
/// merged shards give the same figures. Count, minimum and maximum are always exact, and the sum does not
/// depend on the order of addition.
struct DistributionAccumulator: Sendable, Equatable, Codable {
    let layout: SketchLayout
    let exactLimit: Int

    private(set) var count = 0
    private(set) var minimum = Double.infinity
    private(set) var maximum = -Double.infinity

    private(set) var sum = FixedPointSum()

    /// The exact values while `count <= exactLimit`; empty once sketched.
    private var exactValues: [Double] = []

    /// The sketch once `count > exactLimit`; empty before.
    ///
    /// It is stored, not optional, so recording mutates it in place: an optional would be copied out and
    /// back on every value.
    private var sketch: NumericSketch

    /// A Boolean value that indicates whether every value is kept exactly.
    private(set) var isExact = true

    init(layout: SketchLayout, exactLimit: Int) {
        self.layout = layout
        self.exactLimit = exactLimit
        self.sketch = NumericSketch(layout: layout)
    }

    var mean: Double? { count > 0 ? sum.value / Double(count) : nil }

    var isEmpty: Bool { count == 0 }

    /// Records a finite value.
    @inline(__always)
    mutating func record(_ value: Double) {
        count += 1
        minimum = Swift.min(minimum, value)
        maximum = Swift.max(maximum, value)
        sum.add(value)

        if isExact {
            exactValues.append(value)
            if count > exactLimit { moveToSketch() }
        } else {
            sketch.add(value)
        }
    }

    mutating func merge(_ other: DistributionAccumulator) {
        precondition(layout == other.layout && exactLimit == other.exactLimit, "accumulators differ in layout")
        guard other.count > 0 else { return }
        count += other.count
        minimum = Swift.min(minimum, other.minimum)
        maximum = Swift.max(maximum, other.maximum)
        sum.merge(other.sum)

        if isExact && other.isExact && count <= exactLimit {
            exactValues.append(contentsOf: other.exactValues)
            return
        }
        if isExact { moveToSketch() }
        sketch.merge(other.sketchOfAllValues())
    }

    /// Returns the sample as stored: exact values, or bucket representatives once sketched.
    func sample() -> WeightedSample {
        isExact ? WeightedSample(observations: exactValues) : sketch.weightedSample()
    }

    /// Returns the samples of two accumulators on a common footing for a two-sample test.
    ///
    /// Both exact: the exact values. Otherwise both on the sketch's buckets, because comparing exact values
    /// against bucket representatives would bias rank tests by the position of values inside buckets.
    static func comparableSamples(_ gray: DistributionAccumulator, _ normal: DistributionAccumulator)
        -> (gray: WeightedSample, normal: WeightedSample, isExact: Bool) {
        if gray.isExact && normal.isExact {
            return (gray.sample(), normal.sample(), true)
        }
        return (gray.sketchOfAllValues().weightedSample(), normal.sketchOfAllValues().weightedSample(), false)
    }

    /// Returns the samples of two accumulators for a shift estimate: exact values, or bucket counts spread across
    /// their buckets once either is sketched (see `NumericSketch.spreadSample`).
    static func spreadSamples(_ gray: DistributionAccumulator, _ normal: DistributionAccumulator)
        -> (gray: WeightedSample, normal: WeightedSample) {
        if gray.isExact && normal.isExact {
            return (gray.sample(), normal.sample())
        }
        return (gray.sketchOfAllValues().spreadSample(), normal.sketchOfAllValues().spreadSample())
    }

    /// Returns the quantile at `probability`.
    ///
    /// While exact, this is numpy's linear interpolation. Once sketched, it is the representative of the
    /// value of rank ⌊p(n−1)⌋, within the relative accuracy of that value.
    func quantile(_ probability: Double) -> Double? {
        guard count > 0 else { return nil }
        if isExact { return Quantile.linear(sample(), probability: probability) }
        let sample = sketch.weightedSample()
        let rank = Int((probability * Double(sample.totalCount - 1)).rounded(.down))
        return Swift.min(Swift.max(sample.value(atRank: rank), minimum), maximum)
    }

    /// Returns several quantiles at once, reading the sample once.
    func quantiles(_ probabilities: [Double]) -> [Double?] {
        guard count > 0 else { return probabilities.map { _ in nil } }
        let sample = self.sample()
        return probabilities.map { probability in
            if isExact { return Quantile.linear(sample, probability: probability) }
            let rank = Int((probability * Double(sample.totalCount - 1)).rounded(.down))
            return Swift.min(Swift.max(sample.value(atRank: rank), minimum), maximum)
        }
    }

    private mutating func moveToSketch() {
        sketch = sketchOfAllValues()
        exactValues = []
        isExact = false
    }

    private func sketchOfAllValues() -> NumericSketch {
        guard isExact else { return sketch }
        var built = NumericSketch(layout: layout)
        for value in exactValues { built.add(value) }
        return built
    }
}

extension DistributionAccumulator {
    /// Returns whether a decoded accumulator keeps its invariants and shares the template's grid, so it can
    /// merge with accumulators built from the same configuration.
    func isConsistent(with template: DistributionAccumulator) -> Bool {
        guard layout == template.layout, exactLimit == template.exactLimit, (0...SummaryFile.maxCount).contains(count)
        else { return false }
        if count > 0 {
            // The mean must lie between the extremes, which also rules out an edited sum.
            guard minimum.isFinite, maximum.isFinite, minimum <= maximum, let mean,
                  mean >= minimum - 1e-9 * abs(minimum) - 1e-9, mean <= maximum + 1e-9 * abs(maximum) + 1e-9
            else { return false }
        }
        if isExact {
            // The sketch is unused while exact, but must be empty, not a place for arbitrary data. Its layout is
            // compared first because checking the stores converts the layout's values to integers.
            return exactValues.count == count && count <= exactLimit && sketch.layout == layout && sketch.isConsistent()
                && sketch.count == 0 && exactValues.allSatisfy { $0.isFinite && $0 >= minimum && $0 <= maximum }
        }
        return exactValues.isEmpty && count > exactLimit && sketch.layout == layout && sketch.isConsistent()
            && sketch.count == count
    }
}
