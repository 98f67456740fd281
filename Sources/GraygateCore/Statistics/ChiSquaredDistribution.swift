import Foundation

/// The chi-squared distribution: upper-tail probabilities, the p-values of chi-square tests.
enum ChiSquaredDistribution {
    /// Returns P(X > x) for X chi-squared with `degreesOfFreedom` > 0: 1 for x ≤ 0, NaN for a
    /// non-positive or NaN `degreesOfFreedom`.
    ///
    /// This is Q(k/2, x/2), the regularized upper incomplete gamma function. It keeps full relative
    /// accuracy in the tail until the result underflows below about 1e-308. Use `log10Survival` there.
    static func survival(_ x: Double, degreesOfFreedom: Double) -> Double {
        IncompleteGamma.regularizedUpper(degreesOfFreedom / 2, x / 2)
    }

    /// Returns log₁₀ P(X > x), finite where `survival` underflows to zero.
    static func log10Survival(_ x: Double, degreesOfFreedom: Double) -> Double {
        IncompleteGamma.logRegularizedUpper(degreesOfFreedom / 2, x / 2) / log(10)
    }
}
