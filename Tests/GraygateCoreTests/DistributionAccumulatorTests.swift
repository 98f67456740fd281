import Foundation
import Testing

@testable import GraygateCore

@Suite("Distribution accumulator")
struct DistributionAccumulatorTests {
    private let layout = SketchLayout(relativeAccuracy: 0.005)

    /// Returns a deterministic lognormal-like sample: exp of a sum of uniforms from a linear congruential stream.
    private func latencies(count: Int, seed: UInt64) -> [Double] {
        var state = seed
        return (0..<count).map { _ in
            var sum = 0.0
            for _ in 0..<4 {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                sum += Double(state >> 11) / Double(1 << 53)
            }
            return (150 * exp((sum - 2) * 0.8) * 100).rounded() / 100
        }
    }

    @Test("exact below the limit matches numpy quantiles")
    func exactQuantiles() {
        var accumulator = DistributionAccumulator(layout: layout, exactLimit: 100)
        for value in [100.0, 110, 120, 130, 140, 150, 160] { accumulator.record(value) }
        #expect(accumulator.isExact)
        // numpy.quantile([100, 110, 120, 130, 140, 150, 160], 0.9) == 154.0
        #expect(accumulator.quantile(0.9) == 154)
        #expect(accumulator.quantile(0.5) == 130)
        #expect(accumulator.mean == 130)
        #expect(accumulator.minimum == 100)
        #expect(accumulator.maximum == 160)
    }

    @Test("sketch quantiles stay within the relative accuracy")
    func sketchAccuracy() {
        let values = latencies(count: 20_000, seed: 7)
        var accumulator = DistributionAccumulator(layout: layout, exactLimit: 1000)
        for value in values { accumulator.record(value) }
        #expect(!accumulator.isExact)

        let sorted = values.sorted()
        for probability in [0.5, 0.9, 0.95, 0.99] {
            let rank = Int((probability * Double(sorted.count - 1)).rounded(.down))
            let exact = sorted[rank]
            let estimate = accumulator.quantile(probability)!
            #expect(abs(estimate - exact) <= 0.005 * exact * (1 + 1e-12), "p\(probability): \(estimate) vs \(exact)")
        }
        #expect(isClose(accumulator.mean, values.reduce(0, +) / Double(values.count), relative: 1e-12))
    }

    @Test("merged parts equal the whole", arguments: [1, 2, 3, 7])
    func mergeEqualsWhole(parts: Int) {
        let values = latencies(count: 5000, seed: 11)
        for limit in [0, 100, 2000, 10_000] {
            var whole = DistributionAccumulator(layout: layout, exactLimit: limit)
            for value in values { whole.record(value) }

            var pieces = Array(repeating: DistributionAccumulator(layout: layout, exactLimit: limit), count: parts)
            for (index, value) in values.enumerated() { pieces[(index * 31) % parts].record(value) }
            var merged = pieces[0]
            for piece in pieces.dropFirst() { merged.merge(piece) }

            #expect(merged.count == whole.count)
            #expect(merged.isExact == whole.isExact)
            #expect(merged.sample() == whole.sample(), "limit \(limit)")
            #expect(merged.quantiles([0.5, 0.99]) == whole.quantiles([0.5, 0.99]))
            #expect(isClose(merged.mean, whole.mean, relative: 1e-14))
        }
    }

    @Test("linear grid keeps three-decimal scores exact")
    func linearGridExact() {
        let layout = SketchLayout(relativeAccuracy: 0.005, linearRange: 0...1, resolution: 0.001)
        var sketch = NumericSketch(layout: layout)
        let scores = [0.0, 0.001, 0.5, 0.913, 0.999, 1.0, 0.913]
        for score in scores { sketch.add(score) }
        let sample = sketch.weightedSample()
        #expect(sample.values == [0.0, 0.001, 0.5, 0.913, 0.999, 1.0])
        #expect(sample.counts == [1, 1, 1, 2, 1, 1])
    }

    @Test("values outside the linear range fall back to the log grid")
    func outsideLinearRange() {
        let layout = SketchLayout(relativeAccuracy: 0.005, linearRange: 0...1, resolution: 0.001)
        var sketch = NumericSketch(layout: layout)
        for value in [1.2, -3.0, 0.25, 250.0] { sketch.add(value) }
        let sample = sketch.weightedSample()
        #expect(sample.totalCount == 4)
        #expect(sample.values.count == 4)
        #expect(abs(sample.values[0] + 3) <= 0.015)
        #expect(sample.values[1] == 0.25)
        #expect(abs(sample.values[2] - 1.2) <= 0.006)
        #expect(abs(sample.values[3] - 250) <= 1.25)
    }

    @Test("comparable samples share the sketch grid")
    func comparableOnSketch() {
        var small = DistributionAccumulator(layout: layout, exactLimit: 100)
        var large = DistributionAccumulator(layout: layout, exactLimit: 100)
        for value in latencies(count: 50, seed: 3) { small.record(value) }
        for value in latencies(count: 500, seed: 4) { large.record(value) }
        let samples = DistributionAccumulator.comparableSamples(small, large)
        #expect(!samples.isExact)
        #expect(samples.gray.totalCount == 50)
        // Every gray value is a bucket representative, as the sketched normal values are.
        for value in samples.gray.values {
            let index = layout.logarithmicIndex(ofMagnitude: value)
            #expect(isClose(layout.logarithmicRepresentative(index), value, relative: 1e-12))
        }
    }

    @Test("spread buckets keep a sub-bucket shift")
    func spreadKeepsSmallShift() throws {
        // Gray is 0.4% slower, less than one 1%-wide bucket: on representatives the estimate is off by 0.11 ms,
        // spread over their buckets by 0.002 ms.
        let normalValues = latencies(count: 20_000, seed: 21)
        let grayValues = latencies(count: 20_000, seed: 22).map { $0 * 1.004 }
        var gray = DistributionAccumulator(layout: layout, exactLimit: 0)
        var normal = DistributionAccumulator(layout: layout, exactLimit: 0)
        for value in grayValues { gray.record(value) }
        for value in normalValues { normal.record(value) }

        let exact = try #require(HodgesLehmannEstimate(gray: WeightedSample(observations: grayValues),
                                                       normal: WeightedSample(observations: normalValues)))
        let spread = DistributionAccumulator.spreadSamples(gray, normal)
        let estimate = try #require(HodgesLehmannEstimate(gray: spread.gray, normal: spread.normal))
        let sample = gray.sample()
        #expect(sample.totalCount == 20_000)
        #expect(spread.gray.totalCount == 20_000)
        #expect(abs(estimate.estimate - exact.estimate) < 0.03, "spread \(estimate.estimate) vs exact \(exact.estimate)")
        #expect(abs(estimate.lower - exact.lower) < 0.05)
        #expect(abs(estimate.upper - exact.upper) < 0.05)
    }
}
