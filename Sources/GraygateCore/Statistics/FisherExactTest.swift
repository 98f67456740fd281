import Foundation

/// Fisher's exact test of the 2 × 2 table of errors and successes in the gray and normal cohorts, two-sided
/// as `scipy.stats.fisher_exact` computes it.
///
/// With all margins fixed, the gray error count x is hypergeometric. The two-sided p-value sums the
/// probabilities of every x that is not more likely than the observed one, with scipy's relative
/// tolerance of 1e-14 so that tables tied in exact arithmetic count as ties after rounding.
struct FisherExactTest: Sendable, Equatable {
    /// The table [[gray errors, gray successes], [normal errors, normal successes]].
    let table: [[Int]]

    /// Sample odds ratio (ad)/(bc) of `table` [[a, b], [c, d]].
    ///
    /// `nil` when ad and bc are both 0, which happens exactly when a row or column of the table is all zero.
    /// `.infinity` when only bc is 0. This is the unconditional estimate that scipy reports, not R's
    /// conditional maximum-likelihood estimate, but both programs give the same p-value.
    let oddsRatio: Double?

    /// Two-sided p-value, which underflows to 0 below about 1e-308.
    ///
    /// NOTE: The log probabilities come from `lgamma`, whose absolute rounding error grows with ln(n!). Against
    /// 30-digit mpmath sums the relative error measured 1.5e-9 at 8·10⁵ requests and 1.9e-8 at 6·10⁶, where
    /// scipy 1.17.1 is off by 6e-11 and 7e-10. Loader's saddle-point form of the binomial terms would remove
    /// most of it.
    let pValue: Double

    /// Creates the test from the error counts and request counts of both cohorts.
    ///
    /// Returns `nil` when a cohort has no requests, or when an error count is negative or exceeds its
    /// request count.
    ///
    /// - Complexity: O(log n + s) `lgamma` calls for n requests, where s is the number of table values
    ///   whose probability is within a factor 1e-20 of the tails' sum: O(√n) at most. Counts in the
    ///   millions take well under a millisecond.
    init?(grayErrors: Int, grayCount: Int, normalErrors: Int, normalCount: Int) {
        guard grayCount > 0, normalCount > 0,
              (0...grayCount).contains(grayErrors), (0...normalCount).contains(normalErrors)
        else { return nil }

        let a = grayErrors
        let b = grayCount - grayErrors
        let c = normalErrors
        let d = normalCount - normalErrors
        table = [[a, b], [c, d]]

        let crossProduct = Double(a) * Double(d)
        let otherCrossProduct = Double(b) * Double(c)
        if otherCrossProduct > 0 {
            oddsRatio = crossProduct / otherCrossProduct
        } else {
            oddsRatio = crossProduct > 0 ? .infinity : nil
        }

        let distribution = Hypergeometric(
            population: grayCount + normalCount, successes: grayCount, draws: grayErrors + normalErrors
        )
        pValue = distribution.twoSidedPValue(observed: a)
    }
}

/// The hypergeometric distribution of the top-left cell of a 2 × 2 table with fixed margins, in log space.
private struct Hypergeometric {
    /// Row total of the first row (the gray requests).
    let successes: Int

    /// Column total of the first column (all errors).
    let draws: Int

    /// Grand total.
    let population: Int

    /// Smallest possible top-left cell.
    let lowest: Int

    /// Largest possible top-left cell.
    let highest: Int

    /// ln of the product of the factorials of the four margins over the grand total's factorial: the
    /// part of every log probability that does not depend on the cell.
    let logNormalizer: Double

    init(population: Int, successes: Int, draws: Int) {
        self.population = population
        self.successes = successes
        self.draws = draws
        lowest = max(0, draws - (population - successes))
        highest = min(successes, draws)
        logNormalizer = lgamma(Double(successes + 1)) + lgamma(Double(population - successes + 1))
            + lgamma(Double(draws + 1)) + lgamma(Double(population - draws + 1))
            - lgamma(Double(population + 1))
    }

    /// Returns Σ ln(cell!) over the four cells of the table whose top-left cell is `x`.
    ///
    /// The cells are added in ascending order, so two tables with the same cells in other places (the
    /// mirror images that tie in exact arithmetic) get bit-identical sums and stay tied.
    func logFactorialSum(_ x: Int) -> Double {
        var cells = (x, successes - x, draws - x, population - successes - draws + x)
        // A sorting network for four values, without the allocation of an array.
        if cells.0 > cells.1 { swap(&cells.0, &cells.1) }
        if cells.2 > cells.3 { swap(&cells.2, &cells.3) }
        if cells.0 > cells.2 { swap(&cells.0, &cells.2) }
        if cells.1 > cells.3 { swap(&cells.1, &cells.3) }
        if cells.1 > cells.2 { swap(&cells.1, &cells.2) }
        return lgamma(Double(cells.0 + 1)) + lgamma(Double(cells.1 + 1))
            + lgamma(Double(cells.2 + 1)) + lgamma(Double(cells.3 + 1))
    }

    /// Returns the sum of the probabilities of all x with P(x) < P(observed)·(1 + 1e-14), capped at 1.
    ///
    /// As scipy does, this returns 1 when the observed table is, within that tolerance, as likely as the
    /// mode. Otherwise the observed side's tail runs from `observed` to the end of the support, and the
    /// other side's tail starts where a binary search finds the probability falling below the threshold:
    /// the distribution is unimodal, so each side of the mode is monotone.
    ///
    /// NOTE: Log probabilities carry a rounding error of a few ulps of ln(n!), about 1e-13 at n = 100 and
    /// 1e-9 at n = 10⁶, far above the 1e-14 tolerance. Mirror-image tables still tie exactly (see
    /// `logFactorialSum`), but two other tables whose probabilities are equal or within that error of each
    /// other may be classed differently than scipy classes them, which changes the p-value by one term.
    func twoSidedPValue(observed: Int) -> Double {
        if lowest == highest { return 1 }

        let observedSum = logFactorialSum(observed)
        // scipy's relative tolerance for ties, 1e-14, as a difference of logs: ln(1 + 1e-14) ≈ 1e-14. The
        // difference is taken before comparing, because 1e-14 is below the ulp of the sums themselves.
        let tolerance = 1e-14
        func isInTail(_ x: Int) -> Bool {
            observedSum - logFactorialSum(x) < tolerance
        }

        let mode = min(max((draws + 1) * (successes + 1) / (population + 2), lowest), highest)
        if observedSum - logFactorialSum(mode) <= tolerance { return 1 }

        var relativeSum = 0.0
        if observed < mode {
            relativeSum += tailSum(from: observed, step: -1, reference: observedSum)
            if let start = firstInTail(from: mode, to: highest, isInTail: isInTail) {
                relativeSum += tailSum(from: start, step: 1, reference: observedSum)
            }
        } else {
            relativeSum += tailSum(from: observed, step: 1, reference: observedSum)
            if let start = firstInTail(from: mode, to: lowest, isInTail: isInTail) {
                relativeSum += tailSum(from: start, step: -1, reference: observedSum)
            }
        }

        // P(observed) times the tails' sum relative to P(observed). The product may underflow to 0.
        let logPValue = logNormalizer - observedSum + log(relativeSum)
        return min(1, exp(logPValue))
    }

    /// Returns the x closest to `start` on the way to `end` that is in the tail, or `nil` if there is none.
    /// Probabilities must fall monotonically from `start`, which is not in the tail, to `end`.
    private func firstInTail(from start: Int, to end: Int, isInTail: (Int) -> Bool) -> Int? {
        if !isInTail(end) { return nil }
        // Invariant: `near` is not in the tail and `far` is.
        var near = start
        var far = end
        while abs(far - near) > 1 {
            let middle = near + (far - near) / 2
            if isInTail(middle) {
                far = middle
            } else {
                near = middle
            }
        }
        return far
    }

    /// Returns Σ P(x)/P(reference) from `start` outward in direction `step` to the end of the support.
    ///
    /// Probabilities fall at a growing rate away from the mode (the distribution is log-concave), so the
    /// sum stops once a term is below 1e-20 of the sum: the rest cannot reach the last bit.
    private func tailSum(from start: Int, step: Int, reference: Double) -> Double {
        var sum = 0.0
        var x = start
        while x >= lowest && x <= highest {
            let term = exp(reference - logFactorialSum(x))
            sum += term
            if term < 1e-20 * sum { break }
            x += step
        }
        return sum
    }
}
