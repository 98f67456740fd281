import Foundation

/// The Holm-Bonferroni step-down correction for testing several checks at once.
///
/// It keeps the chance of any false fail across the family at α, uniformly more powerful than Bonferroni,
/// and needs no assumption about how the tests depend on each other (Holm 1979).
enum HolmCorrection {
    /// Returns the adjusted p-values, in the order given.
    ///
    /// With p-values sorted ascending, p̃₍ᵢ₎ = max over j ≤ i of min(1, (m − j + 1) · p₍ⱼ₎).
    static func adjust(_ pValues: [Double]) -> [Double] {
        let count = pValues.count
        let order = pValues.indices.sorted { pValues[$0] < pValues[$1] }
        var adjusted = Array(repeating: 1.0, count: count)
        var running = 0.0
        for (step, index) in order.enumerated() {
            running = max(running, min(1, Double(count - step) * pValues[index]))
            adjusted[index] = running
        }
        return adjusted
    }

    /// Returns the adjusted log₁₀ p-values, in the order given, for p-values that may underflow a `Double`.
    ///
    /// The same step-down in log space: log₁₀ p̃₍ᵢ₎ = max over j ≤ i of min(0, log₁₀(m − j + 1) + log₁₀ p₍ⱼ₎).
    static func adjustLog10(_ log10PValues: [Double]) -> [Double] {
        let count = log10PValues.count
        let order = log10PValues.indices.sorted { log10PValues[$0] < log10PValues[$1] }
        var adjusted = Array(repeating: 0.0, count: count)
        var running = -Double.infinity
        for (step, index) in order.enumerated() {
            running = max(running, min(0, log10(Double(count - step)) + log10PValues[index]))
            adjusted[index] = running
        }
        return adjusted
    }
}
