import Foundation

/// The bucket grid of a sketch: a relative-error logarithmic grid, and optionally a linear grid over a range.
///
/// Two cohorts compared by a test must share one layout, so that their buckets line up.
struct SketchLayout: Sendable, Equatable, Codable {
    /// The largest relative error of a bucket's representative against any value in the bucket.
    let relativeAccuracy: Double

    /// The ratio between consecutive logarithmic bucket bounds, (1 + α) / (1 − α).
    let gamma: Double
    let logGamma: Double

    /// The range counted on the linear grid, if any.
    let linearRange: ClosedRange<Double>?

    /// Buckets per unit on the linear grid, the inverse of the resolution.
    let linearScale: Double

    /// Magnitudes below this are counted as zero; no latency or score needs a finer floor.
    static let zeroThreshold = 1e-9

    init(relativeAccuracy: Double, linearRange: ClosedRange<Double>? = nil, resolution: Double? = nil) {
        precondition(relativeAccuracy > 0 && relativeAccuracy < 1, "relative accuracy must be in (0, 1)")
        self.relativeAccuracy = relativeAccuracy
        gamma = (1 + relativeAccuracy) / (1 - relativeAccuracy)
        logGamma = log(gamma)
        if let linearRange, let resolution, resolution > 0 {
            self.linearRange = linearRange
            let scale = 1 / resolution
            // A whole-number scale (1000 for 0.001) lets representatives be k / scale, the exact decimal.
            linearScale = abs(scale - scale.rounded()) < 1e-9 * scale ? scale.rounded() : scale
        } else {
            self.linearRange = nil
            linearScale = 0
        }
    }

    @inline(__always)
    func logarithmicIndex(ofMagnitude magnitude: Double) -> Int {
        Int((log(magnitude) / logGamma).rounded(.up))
    }

    /// Returns the representative of logarithmic bucket `index`, 2γⁱ/(γ+1), within α of every value in the bucket.
    func logarithmicRepresentative(_ index: Int) -> Double {
        exp(Double(index) * logGamma) * 2 / (gamma + 1)
    }

    @inline(__always)
    func linearIndex(of value: Double) -> Int {
        Int(((value - linearRange!.lowerBound) * linearScale).rounded())  // Safe: called only with a range.
    }

    func linearRepresentative(_ index: Int) -> Double {
        let lower = linearRange!.lowerBound  // Safe: linear buckets exist only with a range.
        return (lower * linearScale).rounded() == lower * linearScale
            ? ((lower * linearScale).rounded() + Double(index)) / linearScale
            : lower + Double(index) / linearScale
    }
}

/// A mergeable histogram of finite values with bounded relative error (DDSketch's bucket scheme).
///
/// Values inside the layout's linear range land on its fine linear grid. Other positive and negative values
/// land on logarithmic buckets whose representative is within the relative accuracy of the value, and
/// values near zero are counted exactly as zero. Merging adds bucket counts, so it is exact and order-independent.
struct NumericSketch: Sendable, Equatable, Codable {
    let layout: SketchLayout

    private var positive = BucketStore()
    private var negative = BucketStore()
    private var linear = BucketStore()
    private var zeroCount = 0

    init(layout: SketchLayout) {
        self.layout = layout
    }

    var count: Int { positive.total + negative.total + linear.total + zeroCount }

    /// The number of non-empty buckets, for memory accounting.
    var bucketCount: Int { positive.counts.count + negative.counts.count + linear.counts.count + 1 }

    @inline(__always)
    mutating func add(_ value: Double, count: Int = 1) {
        if let range = layout.linearRange, range.contains(value) {
            linear.add(index: layout.linearIndex(of: value), count: count)
        } else if value > SketchLayout.zeroThreshold {
            positive.add(index: layout.logarithmicIndex(ofMagnitude: value), count: count)
        } else if value < -SketchLayout.zeroThreshold {
            negative.add(index: layout.logarithmicIndex(ofMagnitude: -value), count: count)
        } else {
            zeroCount += count
        }
    }

    mutating func merge(_ other: NumericSketch) {
        precondition(layout == other.layout, "sketches with different layouts cannot merge")
        positive.merge(other.positive)
        negative.merge(other.negative)
        linear.merge(other.linear)
        zeroCount += other.zeroCount
    }

    /// Returns the bucket representatives with their counts, as a sample the statistical tests read.
    func weightedSample() -> WeightedSample {
        var pairs: [(value: Double, count: Int)] = []
        pairs.reserveCapacity(bucketCount)
        negative.forEachBucket { index, count in pairs.append((-layout.logarithmicRepresentative(index), count)) }
        if zeroCount > 0 { pairs.append((0, zeroCount)) }
        linear.forEachBucket { index, count in pairs.append((layout.linearRepresentative(index), count)) }
        positive.forEachBucket { index, count in pairs.append((layout.logarithmicRepresentative(index), count)) }
        return Self.combine(pairs)
    }

    /// Returns a sample with each bucket's count spread evenly over `pointsPerBucket` points across the bucket.
    ///
    /// Shift estimates such as Hodges-Lehmann snap to zero when both cohorts sit on the same
    /// representatives, which hides shifts smaller than a bucket. Spreading the counts in log space (or
    /// linearly on the linear grid) models values as uniform inside their buckets, which cuts the error of
    /// the shift estimate by an order of magnitude on lognormal latencies.
    func spreadSample(pointsPerBucket: Int = 8) -> WeightedSample {
        var pairs: [(value: Double, count: Int)] = []
        pairs.reserveCapacity(bucketCount * pointsPerBucket)

        func spread(_ count: Int, _ point: (Double) -> Double) {
            let (share, extra) = count.quotientAndRemainder(dividingBy: pointsPerBucket)
            // The remainder goes to the middle points, so a small count stays centred in its bucket.
            let firstExtra = (pointsPerBucket - extra) / 2
            for step in 0..<pointsPerBucket {
                let pointCount = share + (step >= firstExtra && step < firstExtra + extra ? 1 : 0)
                if pointCount > 0 { pairs.append((point((Double(step) + 0.5) / Double(pointsPerBucket)), pointCount)) }
            }
        }

        let logGamma = layout.logGamma
        negative.forEachBucket { index, count in
            spread(count) { fraction in -exp((Double(index) - 1 + fraction) * logGamma) }
        }
        if zeroCount > 0 { pairs.append((0, zeroCount)) }
        linear.forEachBucket { index, count in
            let center = layout.linearRepresentative(index)
            spread(count) { fraction in center + (fraction - 0.5) / layout.linearScale }
        }
        positive.forEachBucket { index, count in
            spread(count) { fraction in exp((Double(index) - 1 + fraction) * logGamma) }
        }
        return Self.combine(pairs)
    }

    private static func combine(_ pairs: [(value: Double, count: Int)]) -> WeightedSample {
        var pairs = pairs

        // Logarithmic buckets just outside the linear range can have representatives inside it, so the
        // pairs are sorted and equal representatives combined.
        pairs.sort { $0.value < $1.value }
        var values: [Double] = []
        var counts: [Int] = []
        for pair in pairs {
            if let last = values.last, last == pair.value {
                counts[counts.count - 1] += pair.count
            } else {
                values.append(pair.value)
                counts.append(pair.count)
            }
        }
        return WeightedSample(sortedValues: values, counts: counts)
    }
}

extension NumericSketch {
    /// Returns whether a decoded sketch has well-formed stores whose every bucket has a finite, ordered
    /// representative on this layout's grid.
    func isConsistent() -> Bool {
        // exp overflows past e^709 and underflows to 0 below e^-745; keep every representative normal.
        let logarithmicLimit = Int(700 / layout.logGamma)
        let logarithmicRange = -logarithmicLimit...logarithmicLimit
        let linearRange: ClosedRange<Int>
        if let range = layout.linearRange {
            linearRange = 0...Int(((range.upperBound - range.lowerBound) * layout.linearScale).rounded())
        } else {
            linearRange = 0...0
        }
        return zeroCount >= 0
            && [positive.total, negative.total, linear.total, zeroCount].sumWithoutOverflow != nil
            && positive.isConsistent(indexRange: logarithmicRange)
            && negative.isConsistent(indexRange: logarithmicRange)
            && (layout.linearRange != nil || linear.total == 0)
            && linear.isConsistent(indexRange: linearRange)
    }
}
