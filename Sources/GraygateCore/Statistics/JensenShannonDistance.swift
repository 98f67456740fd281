import Foundation

/// The Jensen-Shannon distance between the category distributions of the gray and normal cohorts, as
/// `scipy.spatial.distance.jensenshannon(gray, normal, base=2)` computes it.
///
/// With P and Q the normalised counts and M = (P + Q)/2, the distance is √((KL(P‖M) + KL(Q‖M))/2) in bits.
/// It lies in [0, 1]: 0 for equal distributions, 1 for distributions with disjoint categories.
enum JensenShannonDistance {
    /// Returns the distance between the distributions of two aligned arrays of category counts, or `nil`
    /// when either array sums to 0.
    ///
    /// - Precondition: Both arrays have the same length and no negative count.
    static func distance(grayCounts: [Int], normalCounts: [Int]) -> Double? {
        precondition(grayCounts.count == normalCounts.count, "category counts of the cohorts are not aligned")
        precondition(!grayCounts.contains { $0 < 0 } && !normalCounts.contains { $0 < 0 }, "negative count")

        let grayTotal = Double(grayCounts.reduce(0, +))
        let normalTotal = Double(normalCounts.reduce(0, +))
        guard grayTotal > 0, normalTotal > 0 else { return nil }

        var grayDivergence = 0.0
        var normalDivergence = 0.0
        for (gray, normal) in zip(grayCounts, normalCounts) {
            let p = Double(gray) / grayTotal
            let q = Double(normal) / normalTotal
            let mixture = (p + q) / 2
            grayDivergence += relativeEntropyTerm(p, mixture)
            normalDivergence += relativeEntropyTerm(q, mixture)
        }
        let divergence = (grayDivergence + normalDivergence) / log(2)

        // Rounding can leave a divergence of equal distributions a few ulps below 0, where scipy returns NaN.
        return (max(0, divergence) / 2).squareRoot()
    }

    /// Returns p ln(p/m), or 0 when p is 0. The mixture m is positive wherever p is.
    private static func relativeEntropyTerm(_ p: Double, _ m: Double) -> Double {
        p > 0 ? p * log(p / m) : 0
    }
}
