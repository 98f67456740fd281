import Foundation
import Testing

@testable import GraygateCore

@Suite("Seeded random generators")
struct RandomGeneratorTests {
    // Reference outputs from a C transcription of the published SplitMix64 and xoshiro256** algorithms.

    @Test("SplitMix64 matches reference outputs")
    func splitMixReference() {
        var generator = SplitMix64(seed: 0)
        #expect(generator.next() == 0xE220_A839_7B1D_CDAF)
        #expect(generator.next() == 0x6E78_9E6A_A1B9_65F4)
        #expect(generator.next() == 0x06C4_5D18_8009_454F)
    }

    @Test("xoshiro256** matches reference outputs")
    func xoshiroReference() {
        var generator = Xoshiro256StarStar(state: (1, 2, 3, 4))
        #expect(generator.next() == 11520)
        #expect(generator.next() == 0)
        #expect(generator.next() == 1_509_978_240)
        #expect(generator.next() == 1_215_971_899_390_074_240)
    }

    @Test("xoshiro256** seeding through SplitMix64")
    func xoshiroSeeding() {
        var generator = Xoshiro256StarStar(seed: 1)
        #expect(generator.next() == 0xB3F2_AF6D_0FC7_10C5)
        #expect(generator.next() == 0x853B_5596_4736_4CEA)
        #expect(generator.next() == 0x92F8_9756_082A_4514)
    }

    @Test("uniform draws stay in range")
    func uniformRange() {
        var generator = Xoshiro256StarStar(seed: 7)
        for _ in 0..<100_000 {
            let closedOpen = generator.nextUniform()
            #expect(closedOpen >= 0)
            #expect(closedOpen < 1)
            let open = generator.nextOpenUniform()
            #expect(open > 0)
            #expect(open < 1)
        }
    }

    @Test("normal mean and variance")
    func normalMoments() {
        var generator = Xoshiro256StarStar(seed: 11)
        let draws = (0..<100_000).map { _ in generator.nextNormal() }
        let (mean, variance) = meanAndVariance(draws)
        // Standard errors: 1/√n for the mean, √(2/n) for the variance of a standard normal sample.
        #expect(abs(mean) < 5 / Double(draws.count).squareRoot(), "mean \(mean)")
        #expect(abs(variance - 1) < 5 * (2 / Double(draws.count)).squareRoot(), "variance \(variance)")
    }

    @Test("gamma mean and variance", arguments: [0.3, 0.5, 1.0, 2.6, 30.0])
    func gammaMoments(shape: Double) {
        var generator = Xoshiro256StarStar(seed: 13)
        let gamma = GammaDistribution(shape: shape)
        let draws = (0..<100_000).map { _ in gamma.sample(using: &generator) }
        let (mean, variance) = meanAndVariance(draws)
        let n = Double(draws.count)
        // Gamma(a) with unit scale has mean a and variance a. Its fourth central moment is 3a² + 6a, so the
        // sample variance has standard error √((3a² + 6a − a²) / n).
        #expect(abs(mean - shape) < 5 * (shape / n).squareRoot(), "mean \(mean) for shape \(shape)")
        let varianceStandardError = ((2 * shape * shape + 6 * shape) / n).squareRoot()
        #expect(abs(variance - shape) < 5 * varianceStandardError, "variance \(variance) for shape \(shape)")
        #expect(draws.allSatisfy { $0 > 0 })
        #expect(draws.allSatisfy { $0.isFinite })
    }

    @Test("beta mean and range")
    func betaMean() {
        var generator = Xoshiro256StarStar(seed: 17)
        let beta = BetaDistribution(alpha: 0.1, beta: 0.1)
        let draws = (0..<100_000).map { _ in beta.sample(using: &generator) }
        let (mean, _) = meanAndVariance(draws)
        #expect(abs(mean - beta.mean) < 5 * (beta.variance / Double(draws.count)).squareRoot(), "mean \(mean)")
        #expect(draws.allSatisfy { $0 >= 0 })
        #expect(draws.allSatisfy { $0 <= 1 })
    }

    @Test("exponential mean")
    func exponentialMean() {
        var generator = Xoshiro256StarStar(seed: 19)
        let exponential = ExponentialDistribution(rate: 200)
        let draws = (0..<100_000).map { _ in exponential.sample(using: &generator) }
        let (mean, _) = meanAndVariance(draws)
        // The standard deviation equals the mean, 1/rate.
        #expect(abs(mean - 1.0 / 200) < 5 * (1.0 / 200) / Double(draws.count).squareRoot(), "mean \(mean)")
    }

    @Test("categorical skips zero weights")
    func categoricalZeroWeights() {
        var generator = Xoshiro256StarStar(seed: 23)
        let categorical = CategoricalDistribution(weights: [0, 2, 0, 6, 0])
        var counts = [Int](repeating: 0, count: 5)
        for _ in 0..<40_000 {
            counts[categorical.sample(using: &generator)] += 1
        }
        #expect(counts[0] == 0)
        #expect(counts[2] == 0)
        #expect(counts[4] == 0)
        let share = Double(counts[3]) / 40_000
        #expect(abs(share - 0.75) < 5 * (0.75 * 0.25 / 40_000).squareRoot(), "share \(share)")
        #expect(categorical.probabilities == [0, 0.25, 0, 0.75, 0])
    }
}

/// Returns the sample mean and the unbiased sample variance.
func meanAndVariance(_ values: [Double]) -> (mean: Double, variance: Double) {
    let n = Double(values.count)
    let mean = values.reduce(0, +) / n
    let sumOfSquares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
    return (mean, sumOfSquares / (n - 1))
}
