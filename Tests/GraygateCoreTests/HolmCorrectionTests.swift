import Foundation
import Testing

@testable import GraygateCore

@Suite("Holm correction")
struct HolmCorrectionTests {
    @Test("matches statsmodels")
    func matchesStatsmodels() {
        // statsmodels.stats.multitest.multipletests([0.01, 0.04, 0.03, 0.005, 0.2], method='holm')[1]
        let adjusted = HolmCorrection.adjust([0.01, 0.04, 0.03, 0.005, 0.2])
        let expected = [0.04, 0.09, 0.09, 0.025, 0.2]
        for (actual, reference) in zip(adjusted, expected) {
            #expect(isClose(actual, reference, relative: 1e-12))
        }
    }

    @Test("caps at one and keeps order")
    func capsAtOne() {
        let adjusted = HolmCorrection.adjust([0.9, 0.5, 0.6])
        #expect(adjusted == [1, 1, 1])
        #expect(HolmCorrection.adjust([]) == [])
        #expect(HolmCorrection.adjust([0.02]) == [0.02])
    }
}

@Suite("Holm correction in log space")
struct HolmLogSpaceTests {
    @Test("matches the linear correction")
    func matchesLinear() {
        let pValues = [0.01, 0.04, 0.03, 0.005, 0.2]
        let adjusted = HolmCorrection.adjust(pValues)
        let logAdjusted = HolmCorrection.adjustLog10(pValues.map { log10($0) })
        for (linear, logarithmic) in zip(adjusted, logAdjusted) {
            #expect(isClose(pow(10, logarithmic), linear, relative: 1e-12))
        }
    }

    @Test("keeps underflowed p-values finite")
    func underflowed() {
        // Four checks; the smallest p is 10^-560, so its adjusted value is 4 · 10^-560.
        let logAdjusted = HolmCorrection.adjustLog10([-560, -2, -1, -0.1])
        #expect(isClose(logAdjusted[0], -560 + log10(4.0), relative: 1e-12))
        #expect(isClose(logAdjusted[1], -2 + log10(3.0), relative: 1e-12))
        #expect(isClose(logAdjusted[3], -0.1, relative: 1e-12))
    }

    @Test("formats an underflowed p from its log10")
    func formatsUnderflowed() {
        #expect(NumberFormat.pValue(0, log10Value: -561.2) == "6.3e-562")
        #expect(NumberFormat.pValue(0, log10Value: -400.0) == "1.0e-400")
        #expect(NumberFormat.pValue(0.5) == "0.5")
    }
}
