import Testing

@testable import GraygateCore

@Suite("Kolmogorov distribution")
struct KolmogorovDistributionTests {
    /// (n, x, scipy.stats.kstwo.sf(x, n)) from scipy 1.17.1, one row per method of the survival function.
    private static let survivalCases: [(Int, Double, Double)] = [
        (10, 0.04, 1.0),  // nx ≤ 1/2
        (10, 0.07, 0.9999999619492741),  // Ruben-Gambino, nx ≤ 1
        (10, 0.95, 1.9531250000000172e-13),  // Ruben-Gambino, nx ≥ n − 1
        (20, 0.6, 2.0483011649719853e-07),  // x ≥ 1/2: twice the one-sided tail
        (20, 0.15, 0.7044671549442872),  // Durbin matrix, n ≤ 140
        (20, 0.3, 0.04306706665851623),  // Pomeranz
        (20, 0.47, 0.00014214650195716304),  // twice the one-sided tail, n ≤ 140
        (1000, 0.061, 0.0011203976610756562),  // twice the one-sided tail, n > 140
        (1000, 0.012, 0.9984464668620097),  // Durbin matrix, n > 140
        (1000, 0.02, 0.8108971656895577),  // Pelz-Good
        (25000, 0.00784, 0.09204555215413257),  // Pelz-Good
    ]

    @Test("survival matches scipy kstwo", arguments: survivalCases)
    func survivalMatchesScipy(n: Int, x: Double, expected: Double) {
        #expect(isClose(KolmogorovDistribution.survival(x, sampleSize: n), expected, relative: 1e-9))
    }

    @Test("limit survival matches scipy kolmogorov")
    func limitMatchesScipy() {
        // scipy.special.kolmogorov at 0.3, 0.5, 1.0 and 2.0, both sides of the 0.82 switch.
        #expect(isClose(KolmogorovDistribution.limitSurvival(0.3), 0.9999906941986655, relative: 1e-14))
        #expect(isClose(KolmogorovDistribution.limitSurvival(0.5), 0.9639452436648751, relative: 1e-14))
        #expect(isClose(KolmogorovDistribution.limitSurvival(1.0), 0.26999967167735456, relative: 1e-14))
        #expect(isClose(KolmogorovDistribution.limitSurvival(2.0), 0.0006709252557796953, relative: 1e-13))
    }

    @Test("survival bounds")
    func survivalBounds() {
        #expect(KolmogorovDistribution.survival(0, sampleSize: 5) == 1)
        #expect(KolmogorovDistribution.survival(1, sampleSize: 5) == 0)
        #expect(KolmogorovDistribution.limitSurvival(0) == 1)
    }
}

@Suite("Kolmogorov limit far tail")
struct KolmogorovLimitFarTailTests {
    @Test("limit survival ends where q underflows", arguments: [20.0, 30.0, 1000.0, .infinity])
    func farTail(x: Double) {
        #expect(KolmogorovDistribution.limitSurvival(x) == 0)
    }

    @Test("separated large cohorts finish")
    func separatedLargeCohorts() throws {
        // Every gray value above every normal one, 20,000 each: D = 1 and D·√m ≈ 100.
        let gray = WeightedSample(sortedValues: (0..<2000).map { 2 + Double($0) / 1000 }, counts: Array(repeating: 10, count: 2000))
        let normal = WeightedSample(sortedValues: (0..<2000).map { Double($0) / 1000 }, counts: Array(repeating: 10, count: 2000))
        let test = try #require(KolmogorovSmirnovTest(gray: gray, normal: normal))
        #expect(test.statistic == 1)
        #expect(test.pValue == 0)
        #expect(test.pValueKolmogorovLimit == 0)
    }
}
