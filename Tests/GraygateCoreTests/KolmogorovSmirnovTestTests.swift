import Testing

@testable import GraygateCore

@Suite("Kolmogorov-Smirnov test")
struct KolmogorovSmirnovTestTests {
    @Test("matches scipy ks_2samp", arguments: ReferenceVectors.all)
    func matchesScipy(vector: ReferenceVector) throws {
        let expected = vector.expected.at("comparison.score_ks")
        let test = KolmogorovSmirnovTest(gray: vector.gray.scoreSample, normal: vector.normal.scoreSample)
        guard expected["defined"].bool == true else {
            #expect(test == nil)
            return
        }
        let result = try #require(test)

        #expect(result.statistic == expected["D"].double)
        #expect(result.location == expected["location"].double)
        #expect(result.sign == expected["sign"].int)
        let method: KolmogorovSmirnovTest.Method = expected["auto_method"].string == "exact" ? .exact : .asymptotic
        #expect(result.method == method)
        #expect(isClose(result.pValue, expected["p_value_auto"].double, relative: 1e-6))
        #expect(isClose(result.pValueKolmogorovLimit, expected["p_value_kolmogorov_limit"].double, relative: 1e-6))
        if let asymptotic = expected["p_value_asymp"].double {
            #expect(isClose(result.pValueAsymptotic, asymptotic, relative: 1e-6))
        } else {
            #expect(result.pValueAsymptotic == nil)
        }
    }

    @Test("equal samples give D 0 and p 1")
    func equalSamples() throws {
        let sample = WeightedSample(sortedValues: [0.1, 0.4, 0.9], counts: [5, 2, 7])
        let result = try #require(KolmogorovSmirnovTest(gray: sample, normal: sample))
        #expect(result.statistic == 0)
        #expect(result.pValue == 1)
        #expect(result.sign == 1)
        #expect(result.location == 0.1)
        #expect(result.pValueKolmogorovLimit == 1)
    }

    @Test("disjoint samples by hand")
    func disjointSamples() throws {
        // Gray all below normal: D = 1 with gray's CDF above. For 3 against 3 the exact p-value is the
        // chance that a random merge puts one sample entirely first, 2/C(6, 3) = 0.1.
        let gray = WeightedSample(observations: [1, 2, 3])
        let normal = WeightedSample(observations: [4, 5, 6])
        let result = try #require(KolmogorovSmirnovTest(gray: gray, normal: normal))
        #expect(result.statistic == 1)
        #expect(result.sign == 1)
        #expect(result.location == 3)
        #expect(result.method == .exact)
        #expect(isClose(result.pValue, 0.1, relative: 1e-12))
    }

    @Test("gray above normal has sign -1")
    func negativeSign() throws {
        // The gap F_gray − F_normal is −2/3 at 2, its minimum, and −5/12 at 5 (scipy: p = 0.4).
        let gray = WeightedSample(observations: [5, 6, 7, 8])
        let normal = WeightedSample(observations: [1, 2, 6])
        let result = try #require(KolmogorovSmirnovTest(gray: gray, normal: normal))
        #expect(result.statistic == 2.0 / 3)
        #expect(result.sign == -1)
        #expect(result.location == 2)
        #expect(isClose(result.pValue, 0.4, relative: 1e-12))
    }

    @Test("tied gap prefers gray location")
    func tiedGapLocation() throws {
        // The gap is −1/3 at 0 (normal only) and again at 2 (in both). scipy scans gray values first, so
        // it reports 2.
        let gray = WeightedSample(observations: [2, 3, 6])
        let normal = WeightedSample(observations: [0, 2, 6])
        let result = try #require(KolmogorovSmirnovTest(gray: gray, normal: normal))
        #expect(result.statistic == 1.0 / 3)
        #expect(result.sign == -1)
        #expect(result.location == 2)
    }

    @Test("large samples use asymptotic")
    func largeSamples() throws {
        // 20,000 observations in two values per cohort: above the exact limit, and D = 0.1 by construction.
        let gray = WeightedSample(sortedValues: [0.2, 0.8], counts: [12_000, 8_000])
        let normal = WeightedSample(sortedValues: [0.2, 0.8], counts: [10_000, 10_000])
        let result = try #require(KolmogorovSmirnovTest(gray: gray, normal: normal))
        #expect(result.method == .asymptotic)
        #expect(isClose(result.statistic, 0.1, relative: 1e-15))
        #expect(result.pValue == result.pValueAsymptotic)
        #expect(result.pValue < 1e-60)
    }

    @Test("empty sample gives nil")
    func emptySample() {
        let sample = WeightedSample(observations: [0.5])
        #expect(KolmogorovSmirnovTest(gray: .empty, normal: sample) == nil)
        #expect(KolmogorovSmirnovTest(gray: sample, normal: .empty) == nil)
    }
}
