import Testing

@testable import GraygateCore

@Suite("Hodges-Lehmann estimate")
struct HodgesLehmannEstimateTests {
    @Test("matches median of differences", arguments: ReferenceVectors.all)
    func matchesReference(vector: ReferenceVector) throws {
        let expected = vector.expected.at("comparison.latency_hodges_lehmann")
        let gray = vector.gray.latencySample
        let normal = vector.normal.latencySample
        let estimate = HodgesLehmannEstimate(gray: gray, normal: normal)
        guard expected["defined"].bool == true else {
            #expect(estimate == nil)
            return
        }
        let result = try #require(estimate)

        // Above 4 million pairs the reference bisects to within a few ulps rather than sorting every
        // difference, so the bounds allow 1e-9 of the largest latency.
        let largest = max(abs(gray.values[0]), abs(gray.values[gray.values.count - 1]),
                          abs(normal.values[0]), abs(normal.values[normal.values.count - 1]))
        let absolute = 1e-9 * largest
        let interval = expected["ci_order_statistic"]
        #expect(result.pairCount == expected["n_pairs"].int)
        #expect(result.confidenceLevel == expected["conf_level"].double)
        #expect(isClose(result.estimate, expected["estimate"].double, absolute: absolute))
        #expect(isClose(result.lower, interval[0].double, absolute: absolute))
        #expect(isClose(result.upper, interval[1].double, absolute: absolute))
    }

    @Test("small sample by hand")
    func smallSample() throws {
        // Differences of {3, 7} − {1, 2, 4} are 2, 1, −1, 6, 5, 3. Sorted, −1, 1, 2, 3, 5, 6, the median is 2.5.
        let gray = WeightedSample(observations: [3, 7])
        let normal = WeightedSample(observations: [1, 2, 4])
        let result = try #require(HodgesLehmannEstimate(gray: gray, normal: normal))
        #expect(result.estimate == 2.5)
        #expect(result.pairCount == 6)
        // k = ⌊3 − 1.96·√(6·6/12) + 0.5⌋ = ⌊0.105⌋ is clamped to 1, so the interval spans every difference.
        #expect(result.lower == -1)
        #expect(result.upper == 6)
    }

    @Test("estimate is an actual difference")
    func estimateIsDifference() throws {
        let gray = WeightedSample(observations: [0.1, 0.7, 1.3])
        let normal = WeightedSample(observations: [0.2, 0.3])
        let result = try #require(HodgesLehmannEstimate(gray: gray, normal: normal))
        let differences = gray.values.flatMap { g in normal.values.map { g - $0 } }.sorted()
        #expect(result.estimate == (differences[2] + differences[3]) / 2)
        #expect(differences.contains(result.lower))
        #expect(differences.contains(result.upper))
    }

    @Test("million-fold counts match scaled brute force")
    func hugeCounts() throws {
        // With every count multiplied by c, each difference of the small multiset occurs c² times as
        // often, so the scaled median is the small median and both bounds are small differences.
        let grayValues = [101.5, 118.25, 120, 133.75, 150]
        let grayCounts = [3, 1, 4, 1, 5]
        let normalValues = [99, 110.5, 121, 140]
        let normalCounts = [2, 6, 5, 3]
        let scale = 1_000_000
        let gray = WeightedSample(sortedValues: grayValues, counts: grayCounts.map { $0 * scale })
        let normal = WeightedSample(sortedValues: normalValues, counts: normalCounts.map { $0 * scale })
        let result = try #require(HodgesLehmannEstimate(gray: gray, normal: normal))

        var differences: [Double] = []
        for (g, a) in zip(grayValues, grayCounts) {
            for (n, b) in zip(normalValues, normalCounts) {
                differences += Array(repeating: g - n, count: a * b)
            }
        }
        differences.sort()
        let smallPairs = differences.count
        let smallMedian = (differences[smallPairs / 2 - 1] + differences[smallPairs / 2]) / 2
        #expect(result.pairCount == smallPairs * scale * scale)
        #expect(result.estimate == smallMedian)
        #expect(differences.contains(result.lower))
        #expect(differences.contains(result.upper))
        #expect(result.lower <= result.estimate)
        #expect(result.upper >= result.estimate)
    }

    @Test("wider level widens interval")
    func confidenceLevel() throws {
        let gray = WeightedSample(observations: (0..<40).map { Double($0) * 1.5 + 3 })
        let normal = WeightedSample(observations: (0..<30).map { Double($0) * 1.7 })
        let narrow = try #require(HodgesLehmannEstimate(gray: gray, normal: normal, confidenceLevel: 0.8))
        let wide = try #require(HodgesLehmannEstimate(gray: gray, normal: normal, confidenceLevel: 0.99))
        #expect(wide.lower < narrow.lower)
        #expect(wide.upper > narrow.upper)
        #expect(wide.estimate == narrow.estimate)
    }

    @Test("empty sample gives nil")
    func emptySample() {
        let sample = WeightedSample(observations: [1, 2])
        #expect(HodgesLehmannEstimate(gray: .empty, normal: sample) == nil)
        #expect(HodgesLehmannEstimate(gray: sample, normal: .empty) == nil)
    }
}
