import Testing

@testable import GraygateCore

@Suite("Quantile")
struct QuantileTests {
    private static let percents = [50, 90, 95, 99]

    @Test("linear matches numpy", arguments: ReferenceVectors.all)
    func linearMatchesNumpy(vector: ReferenceVector) {
        for cohort in ["gray", "normal"] {
            let sample = (cohort == "gray" ? vector.gray : vector.normal).latencySample
            let expected = vector.expected.at("cohorts.\(cohort).latency_ms.quantiles_linear")
            for percent in Self.percents {
                let actual = Quantile.linear(sample, probability: Double(percent) / 100)
                // numpy's lerp is reproduced operation by operation, so the values agree to the bit.
                #expect(actual == expected["p\(percent)"].double, "\(cohort) p\(percent)")
            }
        }
    }

    @Test("nearest rank matches integer rule", arguments: ReferenceVectors.all)
    func nearestRankMatches(vector: ReferenceVector) {
        for cohort in ["gray", "normal"] {
            let sample = (cohort == "gray" ? vector.gray : vector.normal).latencySample
            let expected = vector.expected.at("cohorts.\(cohort).latency_ms.quantiles_nearest_rank")
            for percent in Self.percents {
                let actual = Quantile.nearestRank(sample, probability: Double(percent) / 100)
                #expect(actual == expected["p\(percent)"].double, "\(cohort) p\(percent)")
            }
        }
    }

    @Test("empty sample gives nil")
    func emptySample() {
        #expect(Quantile.linear(.empty, probability: 0.5) == nil)
        #expect(Quantile.nearestRank(.empty, probability: 0.5) == nil)
    }

    @Test("nearest rank of decimal probability")
    func nearestRankDecimalProbability() {
        // 0.07 × 100 is 7.000000000000001 in Double, but the rank is 7, so the result is 7 and not 8.
        let sample = WeightedSample(observations: (1...100).map(Double.init))
        #expect(Quantile.nearestRank(sample, probability: 0.07) == 7)
        #expect(Quantile.nearestRank(sample, probability: 0.071) == 8)
        #expect(Quantile.nearestRank(sample, probability: 0) == 1)
        #expect(Quantile.nearestRank(sample, probability: 1) == 100)
    }

    @Test("linear endpoints and midpoint")
    func linearEndpoints() {
        let sample = WeightedSample(sortedValues: [1, 3], counts: [1, 1])
        #expect(Quantile.linear(sample, probability: 0) == 1)
        #expect(Quantile.linear(sample, probability: 1) == 3)
        #expect(Quantile.linear(sample, probability: 0.5) == 2)
        #expect(Quantile.linear(sample, probability: 0.25) == 1.5)
    }

    @Test("huge counts without expansion")
    func hugeCounts() {
        // 3e9 observations of 10 and 1e9 of 20: rank 3e9 − 1 is the last 10, rank 3e9 the first 20.
        let sample = WeightedSample(sortedValues: [10, 20], counts: [3_000_000_000, 1_000_000_000])
        let lastRank = Double(sample.totalCount - 1)
        #expect(Quantile.linear(sample, probability: 0.5) == 10)
        #expect(Quantile.linear(sample, probability: 0.9) == 20)
        #expect(Quantile.linear(sample, probability: 2_999_999_999.5 / lastRank) == 15)
        #expect(Quantile.nearestRank(sample, probability: 0.75) == 10)
        #expect(Quantile.nearestRank(sample, probability: 0.76) == 20)
    }

    @Test("weighted equals expanded")
    func weightedEqualsExpanded() {
        let values = [0.5, 1.25, 7, 9.75]
        let counts = [3, 1, 4, 2]
        let weighted = WeightedSample(sortedValues: values, counts: counts)
        let expanded = WeightedSample(observations: zip(values, counts).flatMap { Array(repeating: $0, count: $1) })
        for step in 0...20 {
            let probability = Double(step) / 20
            #expect(Quantile.linear(weighted, probability: probability) == Quantile.linear(expanded, probability: probability))
            #expect(Quantile.nearestRank(weighted, probability: probability) == Quantile.nearestRank(expanded, probability: probability))
        }
    }
}
