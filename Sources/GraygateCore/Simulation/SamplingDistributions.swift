import Foundation

// The distributions the simulator draws from. Each one precomputes its constants once, because the
// simulator draws millions of times with the same parameters.
//
// NOTE: exp, log and pow come from the platform's C library, and no standard requires them to round
// correctly. Another libm, such as macOS's, may differ in the last bit and so, rarely, in a written digit
// or a rejection-sampling decision. Only glibc on x86_64 has been checked, by the golden-line test.

/// A log-normal distribution given by its median and the standard deviation of its logarithm.
struct LogNormalDistribution {
    /// The mean of the logarithm, ln(median).
    let logMedian: Double

    /// The standard deviation of the logarithm.
    let sigma: Double

    init(median: Double, sigma: Double) {
        logMedian = log(median)
        self.sigma = sigma
    }

    @inline(__always)
    func sample(using generator: inout Xoshiro256StarStar) -> Double {
        exp(logMedian + sigma * generator.nextNormal())
    }
}

/// An exponential distribution with the given rate, sampled by inversion: −ln(U) / rate.
struct ExponentialDistribution {
    let rate: Double

    @inline(__always)
    func sample(using generator: inout Xoshiro256StarStar) -> Double {
        -log(generator.nextOpenUniform()) / rate
    }
}

/// A gamma distribution with unit scale, sampled by the Marsaglia–Tsang squeeze method.
///
/// Marsaglia and Tsang (2000) need shape ≥ 1. A smaller shape a draws from shape a + 1 and multiplies by
/// U^(1/a), which has the right distribution because Gamma(a) = Gamma(a + 1) · U^(1/a).
struct GammaDistribution {
    let shape: Double

    /// Marsaglia–Tsang's d = a' − 1/3, where a' is the shape actually sampled (shape or shape + 1).
    private let d: Double

    /// Marsaglia–Tsang's c = 1 / √(9d).
    private let c: Double

    /// 1 / shape when the shape is below 1 and needs the U^(1/a) correction, else nil.
    private let inverseSmallShape: Double?

    init(shape: Double) {
        precondition(shape > 0 && shape.isFinite, "gamma shape must be positive and finite")
        self.shape = shape
        let sampledShape = shape < 1 ? shape + 1 : shape
        d = sampledShape - 1.0 / 3.0
        c = 1 / (9 * d).squareRoot()
        inverseSmallShape = shape < 1 ? 1 / shape : nil
    }

    @inline(__always)
    func sample(using generator: inout Xoshiro256StarStar) -> Double {
        let value = sampleShapeAtLeastOne(using: &generator)
        guard let inverseSmallShape else { return value }
        return value * pow(generator.nextOpenUniform(), inverseSmallShape)
    }

    @inline(__always)
    private func sampleShapeAtLeastOne(using generator: inout Xoshiro256StarStar) -> Double {
        while true {
            var x: Double
            var v: Double
            repeat {
                x = generator.nextNormal()
                v = 1 + c * x
            } while v <= 0
            v = v * v * v

            let u = generator.nextOpenUniform()
            let xSquared = x * x
            // The squeeze accepts about 98% of candidates without a logarithm.
            if u < 1 - 0.0331 * xSquared * xSquared {
                return d * v
            }
            if log(u) < 0.5 * xSquared + d * (1 - v + log(v)) {
                return d * v
            }
        }
    }
}

/// A beta distribution on [0, 1], sampled as X / (X + Y) with X ~ Gamma(alpha) and Y ~ Gamma(beta).
struct BetaDistribution {
    let numerator: GammaDistribution
    let complement: GammaDistribution

    init(alpha: Double, beta: Double) {
        numerator = GammaDistribution(shape: alpha)
        complement = GammaDistribution(shape: beta)
    }

    /// The mean, alpha / (alpha + beta).
    var mean: Double { numerator.shape / (numerator.shape + complement.shape) }

    /// The variance, alpha·beta / ((alpha + beta)² (alpha + beta + 1)).
    var variance: Double {
        let alpha = numerator.shape
        let beta = complement.shape
        let sum = alpha + beta
        return alpha * beta / (sum * sum * (sum + 1))
    }

    @inline(__always)
    func sample(using generator: inout Xoshiro256StarStar) -> Double {
        let x = numerator.sample(using: &generator)
        let y = complement.sample(using: &generator)
        return x / (x + y)
    }
}

/// A categorical distribution over indices 0..<k with nonnegative weights, sampled by a linear scan of the
/// cumulative weights, which suits the handful of categories the simulator uses.
struct CategoricalDistribution {
    /// Cumulative probabilities; the last entry is exactly 1.
    let cumulativeProbabilities: [Double]

    /// Creates the distribution; the weights need not sum to 1, but their sum must be positive.
    init(weights: [Double]) {
        let total = weights.reduce(0, +)
        precondition(!weights.isEmpty && total > 0 && total.isFinite, "categorical weights must have a positive sum")
        var running = 0.0
        var cumulative = weights.map { weight -> Double in
            running += weight
            return running / total
        }
        // Rounding may leave the entry of the last positive weight just below 1. Pinning it and every later
        // entry to 1 means a draw can neither fall past the end nor land on a trailing zero-weight category.
        if let lastPositive = weights.lastIndex(where: { $0 > 0 }) {
            for index in lastPositive..<cumulative.count {
                cumulative[index] = 1
            }
        }
        cumulativeProbabilities = cumulative
    }

    /// The probability of each index, recovered from the cumulative table.
    var probabilities: [Double] {
        var previous = 0.0
        return cumulativeProbabilities.map { cumulative in
            defer { previous = cumulative }
            return cumulative - previous
        }
    }

    @inline(__always)
    func sample(using generator: inout Xoshiro256StarStar) -> Int {
        let u = generator.nextUniform()
        var index = 0
        let lastIndex = cumulativeProbabilities.count - 1
        // A zero-weight category repeats the previous cumulative value, so `<` never selects it.
        while index < lastIndex && u >= cumulativeProbabilities[index] {
            index += 1
        }
        return index
    }
}
