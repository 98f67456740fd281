import Foundation

/// The population stability index of gray against normal over bins at the normal sample's quantiles.
///
/// Inner edges eₖ are the linear quantiles of normal at k/binCount for k = 1 … binCount − 1. Bins are
/// right-closed: (−∞, e₁], (e₁, e₂], …, (e_last, ∞), as `numpy.searchsorted(edges, x, side: "left")` assigns
/// them. A bin proportion of exactly 0 becomes `epsilon`, with no renormalisation, and
/// PSI = Σ (gᵢ − nᵢ) ln(gᵢ/nᵢ) over the proportions. Tied normal values give equal edges and bins that stay
/// empty in both samples; such bins add 0. A bin empty in only one sample adds about
/// (1/binCount − ε) ln(1/(binCount·ε)), so ε dominates the value there.
struct PopulationStabilityIndex: Sendable, Equatable {
    /// The index, the sum of `terms`, which is 0 for identical binned proportions.
    let value: Double

    /// The binCount − 1 inner bin edges, ascending and possibly repeated.
    let edges: [Double]

    /// The number of gray observations in each bin.
    let grayCounts: [Int]

    /// The number of normal observations in each bin.
    let normalCounts: [Int]

    /// Each bin's contribution (gᵢ − nᵢ) ln(gᵢ/nᵢ), never negative.
    let terms: [Double]

    /// Computes the index, or returns `nil` when either sample is empty.
    ///
    /// - Precondition: `binCount` is at least 1 and `epsilon` is positive.
    init?(gray: WeightedSample, normal: WeightedSample, binCount: Int = 10, epsilon: Double = 1e-4) {
        precondition(binCount >= 1, "bin count must be at least 1")
        precondition(epsilon > 0, "epsilon must be positive")
        guard !gray.isEmpty, !normal.isEmpty else { return nil }

        var edges: [Double] = []
        for k in 1..<binCount {
            // Quantile.linear is nil only for an empty sample, which the guard above excludes.
            edges.append(Quantile.linear(normal, probability: Double(k) / Double(binCount)) ?? 0)
        }

        let grayCounts = Self.binCounts(gray, edges: edges)
        let normalCounts = Self.binCounts(normal, edges: edges)
        var terms: [Double] = []
        for bin in 0..<binCount {
            let grayShare = Self.proportion(grayCounts[bin], of: gray.totalCount, epsilon: epsilon)
            let normalShare = Self.proportion(normalCounts[bin], of: normal.totalCount, epsilon: epsilon)
            terms.append((grayShare - normalShare) * log(grayShare / normalShare))
        }

        self.value = terms.reduce(0, +)
        self.edges = edges
        self.grayCounts = grayCounts
        self.normalCounts = normalCounts
        self.terms = terms
    }

    /// Returns the observations per bin, where bin i contains the values with exactly i edges below them.
    private static func binCounts(_ sample: WeightedSample, edges: [Double]) -> [Int] {
        var counts = Array(repeating: 0, count: edges.count + 1)
        var bin = 0
        for index in sample.values.indices {
            while bin < edges.count, edges[bin] < sample.values[index] {
                bin += 1
            }
            counts[bin] += sample.counts[index]
        }
        return counts
    }

    private static func proportion(_ count: Int, of total: Int, epsilon: Double) -> Double {
        count == 0 ? epsilon : Double(count) / Double(total)
    }
}
