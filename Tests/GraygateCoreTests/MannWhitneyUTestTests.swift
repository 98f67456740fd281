import Testing

@testable import GraygateCore

@Suite("Mann-Whitney U test")
struct MannWhitneyUTestTests {
    @Test("matches scipy asymptotic", arguments: ReferenceVectors.all)
    func matchesScipy(vector: ReferenceVector) throws {
        let expected = vector.expected.at("comparison.latency_mann_whitney")
        let test = MannWhitneyUTest(gray: vector.gray.latencySample, normal: vector.normal.latencySample)
        guard expected["defined"].bool == true else {
            #expect(test == nil)
            return
        }
        let result = try #require(test)

        #expect(result.grayCount == expected["n_gray"].int)
        #expect(result.normalCount == expected["n_normal"].int)
        #expect(result.uGray == expected["U_gray"].double)
        #expect(result.uNormal == expected["U_normal"].double)
        #expect(result.meanU == expected["mean_U"].double)
        #expect(result.tieTermSum == expected["tie_term_sum_t3_minus_t"].double)
        #expect(isClose(result.standardDeviation, expected["sd_U_tie_corrected"].double))
        #expect(isClose(result.auc, expected["auc_gray_gt_normal"].double))
        if let z = expected["z"].double {
            #expect(isClose(result.z, z))
        } else {
            // scipy's z is −∞ when every value is tied, and this type reports 0 there.
            #expect(result.standardDeviation == 0)
            #expect(result.z == 0)
        }

        let pValue = try #require(expected["p_value"].double)
        let log10PValue = try #require(expected["log10_p_value"].double)
        if pValue > 1e-300 {
            #expect(isClose(result.pValue, pValue, relative: 1e-6))
        } else {
            #expect(result.pValue < 1e-300)
        }
        #expect(abs(result.log10PValue - log10PValue) <= 1e-6)
    }

    @Test("all values tied gives p 1")
    func allTied() throws {
        let gray = WeightedSample(sortedValues: [5], counts: [10])
        let normal = WeightedSample(sortedValues: [5], counts: [12])
        let result = try #require(MannWhitneyUTest(gray: gray, normal: normal))
        #expect(result.standardDeviation == 0)
        #expect(result.pValue == 1)
        #expect(result.log10PValue == 0)
        #expect(result.auc == 0.5)
    }

    @Test("empty sample gives nil")
    func emptySample() {
        let sample = WeightedSample(observations: [1, 2, 3])
        #expect(MannWhitneyUTest(gray: .empty, normal: sample) == nil)
        #expect(MannWhitneyUTest(gray: sample, normal: .empty) == nil)
    }

    @Test("hand-computed ranks with ties")
    func handComputed() throws {
        // Gray {1, 2, 2, 4} against normal {2, 3}: each gray value scores the normal values below it plus
        // half of those equal to it, 0 for 1, 0.5 for each 2 and 2 for 4, so U_gray = 3 of 8 pairs.
        let gray = WeightedSample(sortedValues: [1, 2, 4], counts: [1, 2, 1])
        let normal = WeightedSample(sortedValues: [2, 3], counts: [1, 1])
        let result = try #require(MannWhitneyUTest(gray: gray, normal: normal))
        #expect(result.uGray == 3)
        #expect(result.uNormal == 5)
        #expect(result.tieTermSum == 24)  // One group of three 2s: 27 − 3.
        #expect(result.auc == 0.375)
    }

    @Test("counts scaled by a million")
    func scaledCounts() throws {
        // Multiplying every count by c multiplies U by c², so the AUC is unchanged.
        let gray = WeightedSample(sortedValues: [10, 12, 15], counts: [2, 3, 1])
        let normal = WeightedSample(sortedValues: [9, 12, 13], counts: [1, 2, 2])
        let scale = 1_000_000
        let scaledGray = WeightedSample(sortedValues: gray.values, counts: gray.counts.map { $0 * scale })
        let scaledNormal = WeightedSample(sortedValues: normal.values, counts: normal.counts.map { $0 * scale })

        let small = try #require(MannWhitneyUTest(gray: gray, normal: normal))
        let large = try #require(MannWhitneyUTest(gray: scaledGray, normal: scaledNormal))
        #expect(large.uGray == small.uGray * Double(scale) * Double(scale))
        #expect(large.auc == small.auc)
        #expect(large.grayCount == 6 * scale)
        #expect(large.pValue < 1e-300)
        #expect(large.log10PValue.isFinite)
        #expect(large.log10PValue < -1000)
    }
}
