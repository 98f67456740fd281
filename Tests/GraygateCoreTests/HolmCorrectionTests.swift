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
