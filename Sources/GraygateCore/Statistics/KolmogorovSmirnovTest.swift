import Foundation

/// The two-sided two-sample Kolmogorov-Smirnov test of gray against normal.
///
/// This is `scipy.stats.ks_2samp(gray, normal)` (scipy 1.17): D = max |F_gray − F_normal| over the pooled
/// values. The p-value is exact when the larger sample has at most 10,000 observations and asymptotic
/// otherwise, as scipy's `method: "auto"`. The exact p-value assumes continuous data, so with ties it
/// overstates p (the test is conservative).
struct KolmogorovSmirnovTest: Sendable, Equatable {
    /// How `pValue` was computed.
    enum Method: Sendable, Equatable {
        /// The exact null distribution of D for these two sample sizes.
        case exact
        /// The one-sample distribution of D at the effective size n₁n₂/(n₁+n₂).
        case asymptotic
    }

    /// The largest sample size for which `pValue` is exact, as in scipy.
    static let exactSizeLimit = 10_000

    /// The statistic D. With the exact method it is rounded to a multiple of 1/lcm(n₁, n₂), as scipy does.
    let statistic: Double

    /// The pooled value where the CDF gap reaches D. Among several, scipy's choice: the smallest gray value,
    /// else the smallest normal value.
    let location: Double

    /// +1 when the gray CDF lies above the normal CDF at `location` (gray smaller there), −1 otherwise.
    /// D = 0 gives +1.
    let sign: Int

    /// The two-sided p-value, computed by `method`.
    let pValue: Double

    /// The method behind `pValue`: exact up to `exactSizeLimit` observations per sample, unless the exact
    /// computation fails numerically.
    let method: Method

    /// The p-value of scipy's `method: "asymp"`, P(Dₘ ≥ D) for the one-sample size
    /// m = n₁n₂/(n₁+n₂) rounded half to even, or `nil` when m rounds to 0, where scipy returns NaN.
    let pValueAsymptotic: Double?

    /// The Kolmogorov limit P(K ≥ D√(n₁n₂/(n₁+n₂))) with the size unrounded, which is looser than
    /// `pValueAsymptotic` for small samples.
    let pValueKolmogorovLimit: Double

    /// Runs the test, or returns `nil` when either sample is empty.
    ///
    /// - Complexity: O(d₁ + d₂) for the statistic. The exact p-value costs O(max(n₁, n₂) · D · min(n₁, n₂))
    ///   when the sizes differ and O(n) when they are equal.
    init?(gray: WeightedSample, normal: WeightedSample) {
        guard !gray.isEmpty, !normal.isEmpty else { return nil }

        let n1 = gray.totalCount
        let n2 = normal.totalCount
        let gap = Self.largestGap(gray: gray, normal: normal)
        self.location = gap.location
        self.sign = gap.sign

        let larger = Double(max(n1, n2))
        let smaller = Double(min(n1, n2))
        let effectiveSize = (larger * smaller / (larger + smaller)).rounded(.toNearestOrEven)

        var statistic = gap.distance
        var pValue: Double?
        if max(n1, n2) <= Self.exactSizeLimit {
            let (rounded, exact) = Self.exactPValue(gap.distance, grayCount: n1, normalCount: n2)
            statistic = rounded
            pValue = exact
        }
        self.statistic = statistic
        if let pValue {
            self.pValue = pValue
            self.method = .exact
        } else {
            self.pValue = KolmogorovDistribution.survival(statistic, sampleSize: Int(effectiveSize))
            self.method = .asymptotic
        }

        self.pValueAsymptotic = effectiveSize >= 1
            ? KolmogorovDistribution.survival(gap.distance, sampleSize: Int(effectiveSize))
            : nil
        let unroundedSize = Double(n1) * Double(n2) / Double(n1 + n2)
        self.pValueKolmogorovLimit = KolmogorovDistribution.limitSurvival(statistic * unroundedSize.squareRoot())
    }

    /// Returns D, its sign and location, with scipy's choice among equal gaps.
    ///
    /// scipy takes the first maximum of F_gray − F_normal over the sorted gray values followed by the sorted
    /// normal values, and likewise for the minimum. The gaps are computed as c₁/n₁ − c₂/n₂ in the same
    /// operations, so that equal rationals that round apart are resolved the same way.
    private static func largestGap(gray: WeightedSample, normal: WeightedSample) -> (distance: Double, location: Double, sign: Int) {
        let grayTotal = Double(gray.totalCount)
        let normalTotal = Double(normal.totalCount)
        var maximum = Extremum()
        var minimum = Extremum()
        var grayBelow = 0
        var normalBelow = 0
        var grayIndex = 0
        var normalIndex = 0

        while grayIndex < gray.values.count || normalIndex < normal.values.count {
            let grayValue = grayIndex < gray.values.count ? gray.values[grayIndex] : .infinity
            let normalValue = normalIndex < normal.values.count ? normal.values[normalIndex] : .infinity
            let value = min(grayValue, normalValue)
            let isGrayValue = grayValue == value
            if isGrayValue {
                grayBelow += gray.counts[grayIndex]
                grayIndex += 1
            }
            if normalValue == value {
                normalBelow += normal.counts[normalIndex]
                normalIndex += 1
            }

            let difference = Double(grayBelow) / grayTotal - Double(normalBelow) / normalTotal
            maximum.record(difference, at: value, isGrayValue: isGrayValue, isBetter: >)
            minimum.record(difference, at: value, isGrayValue: isGrayValue, isBetter: <)
        }

        let negativeGap = min(max(-minimum.difference, 0), 1)
        if negativeGap > maximum.difference {
            return (negativeGap, minimum.location, -1)
        }
        return (maximum.difference, maximum.location, 1)
    }

    /// Returns the statistic rounded to the lattice of the exact distribution and its exact p-value, or a
    /// `nil` p-value when the computation leaves [0, 1] and scipy would fall back to the asymptotic one.
    private static func exactPValue(_ distance: Double, grayCount n1: Int, normalCount n2: Int) -> (Double, Double?) {
        let divisor = greatestCommonDivisor(n1, n2)
        let lcm = (n1 / divisor) * n2
        let steps = Int((distance * Double(lcm)).rounded(.toNearestOrEven))
        let rounded = Double(steps) / Double(lcm)
        if steps == 0 {
            return (rounded, 1)
        }

        let probability: Double
        if n1 == n2 {
            probability = TwoSampleLatticePaths.probabilityOutsideSquare(size: n1, steps: steps)
        } else {
            probability = TwoSampleLatticePaths.probabilityOutsideBand(n1, n2, divisor: divisor, steps: steps)
        }
        guard probability >= 0, probability <= 1 else { return (rounded, nil) }
        return (rounded, probability)
    }

    private static func greatestCommonDivisor(_ a: Int, _ b: Int) -> Int {
        var (a, b) = (a, b)
        while b != 0 { (a, b) = (b, a % b) }
        return a
    }
}

/// The first extreme CDF gap of a merge pass, with scipy's preference for a gray location on ties.
private struct Extremum {
    var difference = 0.0
    var location = 0.0
    private var isSet = false
    private var isGrayLocation = false

    /// Records `difference` at `value` if it beats the current extremum, or equals it while the current one
    /// sits at a normal-only value and this one at a gray value.
    mutating func record(_ difference: Double, at value: Double, isGrayValue: Bool, isBetter: (Double, Double) -> Bool) {
        let replaces = !isSet
            || isBetter(difference, self.difference)
            || (difference == self.difference && isGrayValue && !isGrayLocation)
        guard replaces else { return }
        self.difference = difference
        self.location = value
        self.isSet = true
        self.isGrayLocation = isGrayValue
    }
}
