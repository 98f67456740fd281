import Foundation

/// The regularized incomplete gamma functions P(a, x) and Q(a, x) = 1 − P(a, x), with Q also in log form.
///
/// Below x = max(1, a) the power series of P converges fast and Q = 1 − P loses little, because Q is not
/// small there. Above it, Legendre's continued fraction for Q converges fast and keeps full relative
/// accuracy deep into the tail.
enum IncompleteGamma {
    /// Returns the regularized upper incomplete gamma function Q(a, x) for a > 0.
    ///
    /// Q is 1 for x ≤ 0. The result is NaN for a ≤ 0 or a NaN argument.
    static func regularizedUpper(_ a: Double, _ x: Double) -> Double {
        if a.isNaN || x.isNaN || a <= 0 { return .nan }
        if x <= 0 { return 1 }
        if x == .infinity { return 0 }
        if x < 1 || x < a {
            return 1 - lowerSeries(a, x)
        }
        return prefactor(a, x, times: upperContinuedFraction(a, x))
    }

    /// Returns ln Q(a, x), finite where Q(a, x) underflows a `Double`.
    static func logRegularizedUpper(_ a: Double, _ x: Double) -> Double {
        if a.isNaN || x.isNaN || a <= 0 { return .nan }
        if x <= 0 { return 0 }
        if x == .infinity { return -.infinity }
        if x < 1 || x < a {
            return log1p(-lowerSeries(a, x))
        }
        return logPrefactor(a, x) + log(upperContinuedFraction(a, x))
    }

    /// Returns xᵃ e⁻ˣ / Γ(a) · `factor`, the form of both the series and the continued fraction.
    ///
    /// The log form exp(a ln x − x − ln Γ(a)) rounds an exponent near −x, whose ulp at x = 700 is 1e-13,
    /// and that rounding error becomes the relative error of the result. So wherever xᵃ / Γ(a) is a normal
    /// `Double`, this multiplies accurate factors instead, with e⁻ˣ split into two halves so that neither
    /// underflows before the product does.
    private static func prefactor(_ a: Double, _ x: Double, times factor: Double = 1) -> Double {
        let power = pow(x, a) / tgamma(a)
        if a < 170, x < 1400, power.isNormal {
            let halfExponential = exp(-x / 2)
            return halfExponential * (power * factor) * halfExponential
        }
        return exp(a * log(x) - x - lgamma(a)) * factor
    }

    private static func logPrefactor(_ a: Double, _ x: Double) -> Double {
        let product = prefactor(a, x)
        if product.isNormal {
            return log(product)
        }
        return a * log(x) - x - lgamma(a)
    }

    /// Returns P(a, x) from the series xᵃ e⁻ˣ / Γ(a + 1) · Σₙ xⁿ / ((a + 1)⋯(a + n)).
    private static func lowerSeries(_ a: Double, _ x: Double) -> Double {
        var term = 1.0
        var sum = 1.0
        var denominator = a
        for _ in 0..<10_000 {
            denominator += 1
            term *= x / denominator
            sum += term
            if term <= sum * 1e-17 { break }
        }
        return prefactor(a, x, times: sum / a)
    }

    /// Returns the continued fraction 1/(x + 1 − a − 1·(1 − a)/(x + 3 − a − 2·(2 − a)/(x + 5 − a − ⋯))),
    /// evaluated with the modified Lentz method. Q(a, x) is this times `prefactor(a, x)`.
    ///
    /// - Complexity: O(√a) terms near x ≈ a, a few dozen for x well above a.
    private static func upperContinuedFraction(_ a: Double, _ x: Double) -> Double {
        let tiny = 1e-300
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var fraction = d
        for index in 1..<100_000 {
            let i = Double(index)
            let numerator = -i * (i - a)
            b += 2
            d = numerator * d + b
            if abs(d) < tiny { d = tiny }
            c = b + numerator / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            fraction *= delta
            if abs(delta - 1) < 1e-16 { break }
        }
        return fraction
    }
}
