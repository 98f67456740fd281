/// Exact null probabilities of the two-sample Kolmogorov-Smirnov statistic, from lattice-path counts.
///
/// Under the null hypothesis the merged order of n₁ + n₂ distinct observations is a uniformly random
/// monotone path from (0, 0) to (n₁, n₂), and D ≥ h/lcm(n₁, n₂) exactly when the path touches one of the
/// lines |x/n₁ − y/n₂| = h/lcm. Both functions follow scipy 1.17's exact `ks_2samp` path operation by
/// operation.
enum TwoSampleLatticePaths {
    /// Returns P(D ≥ h/n) for two samples of size n, where h = `steps`.
    ///
    /// Uses the reflection series 2 Σₖ (−1)ᵏ⁺¹ C(2n, n − kh)/C(2n, n), evaluated from the innermost term
    /// outwards as 2A₁(1 − A₂(1 − A₃(…))), with Aₖ = C(2n, n − kh)/C(2n, n − (k−1)h) built from h ratios, so
    /// no large binomial coefficient and no cancellation arises.
    /// - Precondition: 1 ≤ `steps` ≤ `size`.
    static func probabilityOutsideSquare(size n: Int, steps h: Int) -> Double {
        precondition(h >= 1 && h <= n, "steps must be in 1...size")
        var probability = 0.0
        var k = n / h
        while k >= 0 {
            var ratio = 1.0
            for j in 0..<h {
                ratio = Double(n - k * h - j) * ratio / Double(n + k * h + j + 1)
            }
            probability = ratio * (1 - probability)
            k -= 1
        }
        return 2 * probability
    }

    /// Returns P(D ≥ h/lcm(n₁, n₂)) for samples of different sizes, where h = `steps`.
    ///
    /// Walks the lattice column by column and stores, for each point inside the band
    /// |x·n₂/g − y·n₁/g| < h, the probability that a random path to it has already left the band; points
    /// outside count as 1. A path reaches (x, y) from the left with probability x/(x + y), which gives
    /// q(x, y) = (x·q(x−1, y) + y·q(x, y−1))/(x + y). These are probabilities, never path counts, so nothing
    /// overflows, and the upper tail is formed directly rather than as 1 − P(inside).
    /// - Complexity: O(max(n₁, n₂) · band width), with a band about 2h·min(n₁, n₂)/lcm points wide.
    static func probabilityOutsideBand(_ n1: Int, _ n2: Int, divisor g: Int, steps h: Int) -> Double {
        let columns = max(n1, n2)
        let rows = min(n1, n2)
        let columnStep = rows / g  // lcm / columns
        let rowStep = columns / g  // lcm / rows

        var exited = [Double](repeating: 1, count: rows + 1)
        var low = 0
        var high = min(ceilingDivision(h, rowStep), rows + 1)
        for row in low..<high {
            exited[row] = 0
        }

        for column in 1...columns {
            let newLow = min(max(floorDivision(columnStep * column - h, rowStep) + 1, 0), rows)
            let newHigh = min(ceilingDivision(columnStep * column + h, rowStep), rows + 1)
            if newHigh <= newLow {
                return 1  // Every path leaves the band at this column.
            }

            var below = newLow == 0 ? 0.0 : 1.0
            for row in newLow..<newHigh {
                let left = row >= low && row < high ? exited[row] : 1
                below = (left * Double(column) + below * Double(row)) / Double(column + row)
                exited[row] = below
            }
            low = newLow
            high = newHigh
        }
        return exited[rows]
    }

    private static func floorDivision(_ numerator: Int, _ denominator: Int) -> Int {
        let quotient = numerator / denominator
        return (numerator % denominator != 0 && (numerator < 0) != (denominator < 0)) ? quotient - 1 : quotient
    }

    private static func ceilingDivision(_ numerator: Int, _ denominator: Int) -> Int {
        -floorDivision(-numerator, denominator)
    }
}
