import Foundation

/// The distribution of the two-sided one-sample Kolmogorov-Smirnov statistic Dₙ = sup|Fₙ − F|, and its
/// limit as n grows.
///
/// `survival(_:sampleSize:)` picks a method per (n, x) with the switch points of `scipy.stats.kstwo.sf`
/// (scipy 1.17, `scipy/stats/_ksstats.py`, which follows Simard and L'Ecuyer 2011). It uses the
/// Ruben-Gambino closed forms at the ends, and Durbin's matrix or Pomeranz's recursion where they are exact
/// and cheap. Where the two one-sided tails cannot meet it doubles the Smirnov tail, and for large n it uses
/// the Pelz-Good expansion. The arithmetic inside each method differs from scipy's (which switches to
/// 80-bit floats in Durbin's method), so values agree closely but not to the last bit.
enum KolmogorovDistribution {
    /// Returns P(Dₙ ≥ x), as `scipy.stats.kstwo.sf(x, n)`.
    ///
    /// - Precondition: `sampleSize` is positive.
    static func survival(_ x: Double, sampleSize n: Int) -> Double {
        precondition(n > 0, "sample size must be positive")
        if x.isNaN { return .nan }
        if x >= 1 { return 0 }
        if x <= 0 { return 1 }

        let t = Double(n) * x
        if t <= 1 {
            // Ruben-Gambino: P(Dₙ < x) = n!/nⁿ (2t − 1)ⁿ for 1/(2n) ≤ x ≤ 1/n.
            if t <= 0.5 { return 1 }
            return clipped(1 - rubenGambinoCDF(n: n, t: t))
        }
        if t >= Double(n - 1) {
            return clipped(2 * pow(1 - x, Double(n)))
        }
        if x >= 0.5 {
            // The upper and lower one-sided deviations cannot both reach x, so the tails add exactly.
            return clipped(2 * smirnovSurvival(x, sampleSize: n))
        }

        let nxSquared = t * x
        if n <= 140 {
            if nxSquared <= 0.754693 {
                return clipped(1 - durbinMatrixCDF(x, sampleSize: n))
            }
            if nxSquared <= 4 {
                return clipped(1 - pomeranzCDF(x, sampleSize: n))
            }
            return clipped(2 * smirnovSurvival(x, sampleSize: n))
        }

        if nxSquared >= 370 { return 0 }
        if nxSquared >= 2.2 {
            return clipped(2 * smirnovSurvival(x, sampleSize: n))
        }
        if n <= 100_000 && Double(n) * pow(x, 1.5) <= 1.4 {
            return clipped(1 - durbinMatrixCDF(x, sampleSize: n))
        }
        return clipped(1 - pelzGoodCDF(x, sampleSize: n))
    }

    /// Returns the Kolmogorov limit P(K ≥ x) = 2 Σₖ₌₁ (−1)ᵏ⁻¹ e^(−2k²x²), as `scipy.special.kolmogorov`.
    ///
    /// Below x = 0.82 that series converges slowly, so the survival comes from the theta-function form of
    /// the CDF instead: P(K ≤ x) = √(2π)/x Σₖ₌₁ e^(−(2k−1)²π²/(8x²)).
    static func limitSurvival(_ x: Double) -> Double {
        if x.isNaN { return .nan }
        if x <= 0 { return 1 }

        if x < 0.82 {
            let u = exp(-Double.pi * Double.pi / (8 * x * x))
            if u == 0 { return 1 }
            // Σ u^((2k−1)²) = u (1 + u⁸ + u²⁴ + u⁴⁸ + …), exponents (2k−1)² − 1 = 8·k(k−1)/2.
            let u8 = pow(u, 8)
            var sum = 0.0
            var term = 1.0
            var k = 1
            while term > 1e-20 * sum || k == 1 {
                term = pow(u8, Double(k * (k - 1) / 2))
                sum += term
                k += 1
            }
            return clipped(1 - (2 * Double.pi).squareRoot() / x * u * sum)
        }

        let q = exp(-2 * x * x)
        // Past x ≈ 19.3, q underflows to 0 and so does every term: without this exit the loop below would
        // never end, since 0 < 1e-20 · |0| is false. Fully separated cohorts of thousands reach such x.
        if q == 0 { return 0 }
        var sum = 0.0
        var sign = 1.0
        var k = 1.0
        while true {
            let term = pow(q, k * k)
            sum += sign * term
            if term == 0 || term < 1e-20 * abs(sum) { break }
            sign = -sign
            k += 1
        }
        return clipped(2 * sum)
    }

    /// Returns the one-sided tail P(Dₙ⁺ ≥ x) by the Birnbaum-Tingey formula
    /// x Σᵥ₌₀^⌊n(1−x)⌋ C(n, v) (x + v/n)^(v−1) (1 − x − v/n)^(n−v).
    ///
    /// The terms are positive, so summing them in log space (shifted by the largest) loses no precision.
    /// - Complexity: O(n).
    // NOTE: every one of the ⌊n(1−x)⌋ + 1 terms is evaluated, so one call at an effective size of 10⁷ (cohorts
    // of tens of millions) costs tenths of a second. Terms far below the largest could be skipped.
    static func smirnovSurvival(_ x: Double, sampleSize n: Int) -> Double {
        if x <= 0 { return 1 }
        if x >= 1 { return 0 }

        let size = Double(n)
        let lastTerm = Int((size * (1 - x)).rounded(.down))
        let logFactorialN = logGamma(size + 1)
        var logTerms: [Double] = []
        logTerms.reserveCapacity(lastTerm + 1)
        for v in 0...max(lastTerm, 0) {
            let remaining = Double(n - v) / size - x
            if remaining <= 0 {
                if n - v > 0 { continue }  // 0^(n−v) = 0 for a positive power, and 0⁰ = 1 otherwise.
            }
            let binomial = logFactorialN - logGamma(Double(v) + 1) - logGamma(Double(n - v) + 1)
            let lowerPower = Double(v - 1) * log(x + Double(v) / size)
            let upperPower = n - v > 0 ? Double(n - v) * log(remaining) : 0
            logTerms.append(binomial + lowerPower + upperPower)
        }
        guard let largest = logTerms.max() else { return 0 }
        let sum = logTerms.reduce(0) { $0 + exp($1 - largest) }
        return x * exp(largest) * sum
    }

    /// Returns P(Dₙ < x) = n!/nⁿ (2t − 1)ⁿ for t = nx in (1/2, 1].
    private static func rubenGambinoCDF(n: Int, t: Double) -> Double {
        let size = Double(n)
        let logFactorialOverPower = logGamma(size + 1) - size * log(size)
        return exp(logFactorialOverPower + size * log(2 * t - 1))
    }

    /// Returns the Pelz-Good (1976) approximation of P(Dₙ ≤ x): the Li-Chien and Korolyuk expansion
    /// K₀(z) + K₁(z)/√n + K₂(z)/n + K₃(z)/n^1.5 at z = x√n, rewritten with Jacobi theta functions so it
    /// converges for small z.
    private static func pelzGoodCDF(_ x: Double, sampleSize n: Int) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }

        let piSquared = Double.pi * Double.pi
        let z = Double(n).squareRoot() * x
        let z2 = z * z
        let z4 = z2 * z2
        let z6 = z4 * z2
        let logQ = -piSquared / 8 / z2
        if logQ < -708 { return 0 }
        let q = exp(logQ)

        // Coefficients of the odd-index sums: term m = 2k − 1 carries q^(m²), a polynomial in m².
        let k1a = -z2
        let k1b = piSquared / 4
        let k2a = 6 * z6 + 2 * z4
        let k2b = (2 * z4 - 5 * z2) * piSquared / 4
        let k2c = piSquared * piSquared * (1 - 2 * z2) / 16
        let k3a = -30 * z6 - 90 * z4 * z4
        let k3b = piSquared * (135 * z4 - 96 * z6) / 4
        let k3c = piSquared * piSquared * (-60 * z2 + 212 * z4) / 16
        let k3d = piSquared * piSquared * piSquared * (5 - 30 * z2) / 64

        // Horner in q⁸ᵏ, because q^((2k+1)²) / q^((2k−1)²) = q^(8k).
        var k0 = 0.0, k1 = 0.0, k2 = 0.0, k3 = 0.0
        let termCount = Int((16 * z / Double.pi).rounded(.up))
        for k in stride(from: termCount, through: 1, by: -1) {
            let m2 = Double((2 * k - 1) * (2 * k - 1))
            let qPower = pow(q, Double(8 * k))
            k0 = k0 * qPower + 1
            k1 = k1 * qPower + (k1a + k1b * m2)
            k2 = k2 * qPower + (k2a + k2b * m2 + k2c * m2 * m2)
            k3 = k3 * qPower + (k3a + k3b * m2 + k3c * m2 * m2 + k3d * m2 * m2 * m2)
        }
        let scale = q * (2 * Double.pi).squareRoot()
        k0 *= scale / z
        k1 *= scale / (6 * z4)
        k2 *= scale / (72 * z6 * z)
        k3 *= scale / (6480 * z6 * z4)

        // The even-index sums over all k ≥ 1, with terms in e^(−π²k²/(2z²)).
        let evenQ = exp(-piSquared / 2 / z2)
        var k2Extra = 0.0
        var k3Extra = 0.0
        let root3z = 3.0.squareRoot() * z
        for k in stride(from: termCount, through: 1, by: -1) {
            let kSquared = Double(k * k)
            let power = pow(evenQ, kSquared)
            let kPi = Double.pi * Double(k)
            k2Extra += kSquared * power
            k3Extra += (root3z + kPi) * (root3z - kPi) * kSquared * power
        }
        k2 += k2Extra * piSquared * (2 * Double.pi).squareRoot() / (-36 * z2 * z)
        k3 += k3Extra * piSquared * (2 * Double.pi).squareRoot() / (216 * z6)

        let size = Double(n)
        return k0 + k1 / size.squareRoot() + k2 / size + k3 / (size * size.squareRoot())
    }

    /// Returns ln Γ(x) for positive x.
    static func logGamma(_ x: Double) -> Double {
        let value: Double = lgamma(x)  // The annotation picks the C function over Glibc's (value, sign) overload.
        return value
    }

    static func clipped(_ probability: Double) -> Double {
        min(max(probability, 0), 1)
    }
}
