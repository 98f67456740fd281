import Foundation

/// The standard normal distribution: tail probabilities that stay accurate far into the tails, and the
/// quantile function.
enum NormalDistribution {
    /// Returns Φ(x), the probability that a standard normal variable is at most `x`.
    static func cdf(_ x: Double) -> Double {
        0.5 * erfc(-x / 2.0.squareRoot())
    }

    /// Returns 1 − Φ(x), computed without cancellation for large `x`.
    static func survival(_ x: Double) -> Double {
        0.5 * erfc(x / 2.0.squareRoot())
    }

    /// Returns ln Φ(x), finite for every finite `x`, also where Φ(x) underflows a `Double`.
    ///
    /// Below x = −20 this sums the asymptotic series
    /// ln Φ(x) = −x²/2 − ln(−x) − ½ ln 2π + ln(1 − 1/x² + 3/x⁴ − 15/x⁶ + …), as scipy's `log_ndtr` does;
    /// there the terms fall fast, and `erfc` would lose precision in the subnormal range below x ≈ −37.5.
    static func logCDF(_ x: Double) -> Double {
        if x > 6 {
            return log1p(-survival(x))
        }
        if x > -20 {
            return log(cdf(x))
        }
        let inverseSquare = 1 / (x * x)
        var term = 1.0
        var sum = 1.0
        var index = 1.0
        while index < 50 {
            term *= -(2 * index - 1) * inverseSquare
            sum += term
            if abs(term) < 1e-17 * abs(sum) { break }
            index += 1
        }
        return -0.5 * x * x - log(-x) - 0.5 * log(2 * Double.pi) + log(sum)
    }

    /// Returns the two-sided tail probability 2Φ(−|z|), capped at 1.
    static func twoSidedPValue(_ z: Double) -> Double {
        min(1, 2 * survival(abs(z)))
    }

    /// Returns log₁₀ of `twoSidedPValue(z)`, finite where that probability underflows to zero.
    static func log10TwoSidedPValue(_ z: Double) -> Double {
        min(0, (log(2) + logCDF(-abs(z))) / log(10))
    }

    /// Returns the quantile Φ⁻¹(p) for p in (0, 1); ±infinity at 0 and 1, NaN outside [0, 1].
    ///
    /// Acklam's rational approximation (relative error below 1.2e-9) refined by one Halley step on
    /// `erfc`, which brings it to full double precision.
    static func quantile(_ p: Double) -> Double {
        if p.isNaN || p < 0 || p > 1 { return .nan }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }

        let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
        let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                 6.680131188771972e+01, -1.328068155288572e+01]
        let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                 -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
        let lowerBreak = 0.02425

        var x: Double
        if p < lowerBreak {
            let q = (-2 * log(p)).squareRoot()
            x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        } else if p <= 1 - lowerBreak {
            let q = p - 0.5
            let r = q * q
            x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
        } else {
            let q = (-2 * log1p(-p)).squareRoot()
            x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        }

        let error = cdf(x) - p
        let u = error * (2 * Double.pi).squareRoot() * exp(x * x / 2)
        x -= u / (1 + x * u / 2)
        return x
    }
}
