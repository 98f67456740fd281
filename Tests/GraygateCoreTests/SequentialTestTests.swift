import Foundation
import Testing

@testable import GraygateCore

struct MixtureSequentialTestTests {
    /// The mixture likelihood ratio by numerical integration of the normal likelihood over the N(0, τ²) prior.
    private static func integratedRatio(estimate: Double, variance: Double, tau: Double) -> Double {
        func density(_ x: Double, mean: Double, variance: Double) -> Double {
            exp(-(x - mean) * (x - mean) / (2 * variance)) / (2 * Double.pi * variance).squareRoot()
        }
        let steps = 200_000
        let limit = 12 * tau
        let width = 2 * limit / Double(steps)
        var integral = 0.0
        for step in 0...steps {
            let theta = -limit + Double(step) * width
            let weight = step == 0 || step == steps ? 0.5 : 1.0
            integral += weight * density(estimate, mean: theta, variance: variance) * density(theta, mean: 0, variance: tau * tau)
        }
        return integral * width / density(estimate, mean: 0, variance: variance)
    }

    @Test(arguments: [(0.01, 0.000_04, 0.005), (-0.02, 0.000_1, 0.01), (0.1, 0.002, 0.05), (0.0, 0.01, 0.2)])
    func closedFormEqualsTheIntegratedMixture(estimate: Double, variance: Double, tau: Double) throws {
        let test = try #require(MixtureSequentialTest(estimate: estimate, variance: variance, mixingScale: tau))
        let expected = Self.integratedRatio(estimate: estimate, variance: variance, tau: tau)
        #expect(abs(exp(test.logLikelihoodRatio()) / expected - 1) < 1e-6)
    }

    @Test func confidenceSequenceEndsWhereTheRatioReachesOneOverAlpha() throws {
        let test = try #require(MixtureSequentialTest(estimate: 0.012, variance: 0.000_02, mixingScale: 0.005))
        let alpha = 0.05
        let halfWidth = test.halfWidth(alpha: alpha)
        for null in [test.estimate - halfWidth, test.estimate + halfWidth] {
            #expect(abs(test.logLikelihoodRatio(against: null) - log(1 / alpha)) < 1e-9)
        }
        #expect(test.logLikelihoodRatio(against: test.estimate - halfWidth * 1.01) > log(1 / alpha))
        #expect(test.logLikelihoodRatio(against: test.estimate) < log(1 / alpha))
    }

    @Test func rejectsDegenerateInput() {
        #expect(MixtureSequentialTest(estimate: 0.1, variance: 0, mixingScale: 0.1) == nil)
        #expect(MixtureSequentialTest(estimate: .nan, variance: 1, mixingScale: 0.1) == nil)
        #expect(MixtureSequentialTest(estimate: 0.1, variance: 1, mixingScale: 0) == nil)
        #expect(SequentialEvidence.errorRateTest(grayErrors: 0, grayRequests: 0, normalErrors: 1, normalRequests: 10, margin: 0.005) == nil)
    }

    @Test func oneErrorAgainstNoneIsNotConclusive() throws {
        // With no error yet in normal, a naive variance of 0 would make one gray error look decisive.
        let test = try #require(SequentialEvidence.errorRateTest(grayErrors: 1, grayRequests: 100, normalErrors: 0,
                                                                 normalRequests: 900, margin: 0.005))
        #expect(test.log10PValue > -0.5)
    }
}

/// Healthy releases looked at every interval: the sequential tests keep the false-fail rate at α, while
/// fixed-sample tests at the same looks do not. Each run adds one interval of traffic per look.
struct SequentialFalseFailRateTests {
    static let alpha = 0.05
    static let runs = 300
    static let looks = 60
    static let grayPerLook = 50
    static let normalPerLook = 450

    @Test func errorRateTestHoldsAlphaUnderRepeatedLooks() {
        var generator = Xoshiro256StarStar(seed: 20261204)
        var sequentialRejections = 0
        var fixedRejections = 0
        for _ in 0..<Self.runs {
            var counts = (grayErrors: 0, gray: 0, normalErrors: 0, normal: 0)
            var smallestLog10P = 0.0
            var fixedRejected = false
            for _ in 0..<Self.looks {
                for _ in 0..<Self.grayPerLook where generator.nextUniform() < 0.02 { counts.grayErrors += 1 }
                for _ in 0..<Self.normalPerLook where generator.nextUniform() < 0.02 { counts.normalErrors += 1 }
                counts.gray += Self.grayPerLook
                counts.normal += Self.normalPerLook
                if let test = SequentialEvidence.errorRateTest(grayErrors: counts.grayErrors, grayRequests: counts.gray,
                                                               normalErrors: counts.normalErrors, normalRequests: counts.normal,
                                                               margin: 0.005) {
                    smallestLog10P = min(smallestLog10P, test.log10PValue)
                }
                if let fixed = TwoProportionZTest(grayErrors: counts.grayErrors, grayCount: counts.gray,
                                                  normalErrors: counts.normalErrors, normalCount: counts.normal),
                   fixed.pValue < Self.alpha {
                    fixedRejected = true
                }
            }
            if smallestLog10P < log10(Self.alpha) { sequentialRejections += 1 }
            if fixedRejected { fixedRejections += 1 }
        }
        let sequentialRate = Double(sequentialRejections) / Double(Self.runs)
        let fixedRate = Double(fixedRejections) / Double(Self.runs)
        #expect(sequentialRate <= Self.alpha, "sequential false-fail rate \(sequentialRate)")
        #expect(fixedRate >= 2 * Self.alpha, "fixed-sample false-fail rate \(fixedRate) should show the peeking problem")
    }

    @Test func latencyTestHoldsAlphaUnderRepeatedLooks() {
        var generator = Xoshiro256StarStar(seed: 4)
        var sequentialRejections = 0
        var fixedRejections = 0
        for _ in 0..<Self.runs {
            var gray = RunningMoments()
            var normal = RunningMoments()
            var smallestLog10P = 0.0
            var fixedRejected = false
            for _ in 0..<Self.looks {
                // Log latency of a lognormal with a median of 150 ms and σ = 0.5, the same in both cohorts.
                for _ in 0..<Self.grayPerLook { gray.add(log(150) + 0.5 * generator.nextNormal()) }
                for _ in 0..<Self.normalPerLook { normal.add(log(150) + 0.5 * generator.nextNormal()) }
                if let test = SequentialEvidence.latencyTest(gray: gray.moments, normal: normal.moments, margin: 0.05) {
                    smallestLog10P = min(smallestLog10P, test.log10PValue)
                    let z = test.estimate / test.variance.squareRoot()
                    if 2 * NormalDistribution.survival(abs(z)) < Self.alpha { fixedRejected = true }
                }
            }
            if smallestLog10P < log10(Self.alpha) { sequentialRejections += 1 }
            if fixedRejected { fixedRejections += 1 }
        }
        let sequentialRate = Double(sequentialRejections) / Double(Self.runs)
        let fixedRate = Double(fixedRejections) / Double(Self.runs)
        #expect(sequentialRate <= Self.alpha, "sequential false-fail rate \(sequentialRate)")
        #expect(fixedRate >= 2 * Self.alpha, "fixed-sample false-fail rate \(fixedRate) should show the peeking problem")
    }

    @Test func realRegressionsAreStillCaught() {
        var generator = Xoshiro256StarStar(seed: 99)
        var caught = 0
        let runs = 100
        for _ in 0..<runs {
            var counts = (grayErrors: 0, gray: 0, normalErrors: 0, normal: 0)
            var smallestLog10P = 0.0
            for _ in 0..<Self.looks {
                for _ in 0..<Self.grayPerLook where generator.nextUniform() < 0.04 { counts.grayErrors += 1 }
                for _ in 0..<Self.normalPerLook where generator.nextUniform() < 0.02 { counts.normalErrors += 1 }
                counts.gray += Self.grayPerLook
                counts.normal += Self.normalPerLook
                if let test = SequentialEvidence.errorRateTest(grayErrors: counts.grayErrors, grayRequests: counts.gray,
                                                               normalErrors: counts.normalErrors, normalRequests: counts.normal,
                                                               margin: 0.005) {
                    smallestLog10P = min(smallestLog10P, test.log10PValue)
                }
            }
            if smallestLog10P < log10(Self.alpha) { caught += 1 }
        }
        #expect(caught >= 90, "a doubled error rate was caught in \(caught) of \(runs) runs")
    }

    /// Count, mean and variance by Welford's update.
    private struct RunningMoments {
        var count = 0.0
        var mean = 0.0
        var squares = 0.0

        mutating func add(_ value: Double) {
            count += 1
            let delta = value - mean
            mean += delta / count
            squares += delta * (value - mean)
        }

        var moments: SequentialEvidence.LogMoments {
            SequentialEvidence.LogMoments(count: count, mean: mean, variance: squares / (count - 1))
        }
    }
}
