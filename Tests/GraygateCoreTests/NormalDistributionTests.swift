import Foundation
import Testing

@testable import GraygateCore

@Suite("Normal distribution")
struct NormalDistributionTests {
    @Test("quantile inverts the CDF", arguments: [1e-300, 1e-12, 0.001, 0.025, 0.3, 0.5, 0.8, 0.975, 0.999999])
    func quantileInvertsCDF(p: Double) {
        let x = NormalDistribution.quantile(p)
        #expect(isClose(NormalDistribution.cdf(x), p, relative: 1e-13))
    }

    @Test("known quantile values")
    func knownQuantiles() {
        #expect(isClose(NormalDistribution.quantile(0.975), 1.959963984540054, relative: 1e-15))
        #expect(NormalDistribution.quantile(0.5) == 0)
        #expect(NormalDistribution.quantile(0) == -.infinity)
        #expect(NormalDistribution.quantile(1.5).isNaN)
    }

    @Test("log CDF stays finite in the far tail")
    func logCDFFarTail() {
        // scipy.special.log_ndtr(-40) = -804.6084420137539; log_ndtr(-10) = -53.23128515051248
        #expect(isClose(NormalDistribution.logCDF(-40), -804.6084420137539, relative: 1e-14))
        #expect(isClose(NormalDistribution.logCDF(-10), -53.23128515051248, relative: 1e-13))
        #expect(isClose(NormalDistribution.logCDF(-20.5), log(NormalDistribution.cdf(-20.5)), relative: 1e-12))
        #expect(isClose(NormalDistribution.logCDF(8), -6.220960574271742e-16, relative: 1e-9))
    }
}
