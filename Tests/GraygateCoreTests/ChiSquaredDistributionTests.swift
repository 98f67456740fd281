import Foundation
import Testing

@testable import GraygateCore

@Suite("Chi-squared distribution")
struct ChiSquaredDistributionTests {
    struct Case: Sendable, CustomStringConvertible {
        let x: Double
        let degreesOfFreedom: Double
        let survival: Double

        var description: String { "x \(x), dof \(degreesOfFreedom)" }
    }

    // mpmath.gammainc(k/2, x/2, mpmath.inf, regularized=True) at 40 digits (mpmath 1.3.0). scipy 1.17.1
    // scipy.stats.chi2.sf(x, k) agrees to 1e-14 except at x = 1400, dof 1, where it is 8.7e-14 off.
    static let cases: [Case] = [
        Case(x: 0.1, degreesOfFreedom: 0.5, survival: 0.48344467916953437),
        Case(x: 1.5, degreesOfFreedom: 1, survival: 0.22067136191984679),
        Case(x: 3.84, degreesOfFreedom: 1, survival: 0.050043521248705103),
        Case(x: 100, degreesOfFreedom: 1, survival: 1.5239706048321052e-23),
        Case(x: 1400, degreesOfFreedom: 1, survival: 2.1010145162642175e-306),
        Case(x: 5, degreesOfFreedom: 2, survival: 0.082084998623898795),
        Case(x: 30, degreesOfFreedom: 7, survival: 9.4959725081341838e-5),
        Case(x: 500, degreesOfFreedom: 7, survival: 8.016791001349302e-104),
        Case(x: 1400, degreesOfFreedom: 7, survival: 3.8599631812373352e-298),
        Case(x: 120, degreesOfFreedom: 100, survival: 0.08440668109369183),
    ]

    @Test("survival matches reference", arguments: cases)
    func survivalMatchesReference(_ reference: Case) {
        let survival = ChiSquaredDistribution.survival(reference.x, degreesOfFreedom: reference.degreesOfFreedom)
        #expect(isClose(survival, reference.survival, relative: 1e-14, absolute: 0))
    }

    @Test("log10 survival matches reference", arguments: cases)
    func log10SurvivalMatchesReference(_ reference: Case) {
        let log10Survival = ChiSquaredDistribution.log10Survival(
            reference.x, degreesOfFreedom: reference.degreesOfFreedom
        )
        #expect(isClose(log10Survival, log10(reference.survival), relative: 1e-14, absolute: 1e-15))
    }

    @Test("large dof keeps accuracy")
    func largeDegreesOfFreedom() {
        // mpmath.gammainc(500, 650, mpmath.inf, regularized=True) = 3.8897364994868525e-10
        let survival = ChiSquaredDistribution.survival(1300, degreesOfFreedom: 1000)
        #expect(isClose(survival, 3.8897364994868525e-10, relative: 1e-12, absolute: 0))
    }

    @Test("log10 survival where survival underflows")
    func log10SurvivalBeyondUnderflow() {
        // mpmath.log10(mpmath.gammainc(k/2, 1000, mpmath.inf, regularized=True)) for k = 1 and k = 7;
        // scipy.stats.chi2.sf(2000, k) underflows to 0.0 for both.
        #expect(ChiSquaredDistribution.survival(2000, degreesOfFreedom: 1) == 0)
        #expect(isClose(ChiSquaredDistribution.log10Survival(2000, degreesOfFreedom: 1), -436.04327371607295,
                        relative: 1e-15))
        #expect(isClose(ChiSquaredDistribution.log10Survival(2000, degreesOfFreedom: 7), -427.31497210501864,
                        relative: 1e-15))
    }

    @Test("dof 1 equals two-sided normal p", arguments: [0.3, 1.96, 5, 12, 30])
    func oneDegreeOfFreedomIsNormal(z: Double) {
        // The normal tail rounds z/√2 before erfc, which costs it up to about z² · 1e-16 relative: 1.2e-13 at
        // z = 30, where this survival function is the exact one.
        let survival = ChiSquaredDistribution.survival(z * z, degreesOfFreedom: 1)
        #expect(isClose(survival, NormalDistribution.twoSidedPValue(z), relative: 1e-12, absolute: 0))
    }

    @Test("dof 2 equals exponential tail", arguments: [0.01, 1, 10, 200, 1200])
    func twoDegreesOfFreedomIsExponential(x: Double) {
        let survival = ChiSquaredDistribution.survival(x, degreesOfFreedom: 2)
        #expect(isClose(survival, exp(-x / 2), relative: 1e-14, absolute: 0))
    }

    @Test("survival at domain edges")
    func domainEdges() {
        #expect(ChiSquaredDistribution.survival(0, degreesOfFreedom: 3) == 1)
        #expect(ChiSquaredDistribution.survival(-1, degreesOfFreedom: 3) == 1)
        #expect(ChiSquaredDistribution.survival(.infinity, degreesOfFreedom: 3) == 0)
        #expect(ChiSquaredDistribution.log10Survival(0, degreesOfFreedom: 3) == 0)
        #expect(ChiSquaredDistribution.survival(1, degreesOfFreedom: 0).isNaN)
        #expect(ChiSquaredDistribution.survival(.nan, degreesOfFreedom: 1).isNaN)
    }
}
