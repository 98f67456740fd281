import Foundation

/// The mixture sequential probability ratio test (mSPRT) for a difference between two cohorts.
///
/// The difference θ is estimated by a statistic that is approximately normal with variance V, as a
/// difference of proportions or of means is. The test mixes the likelihood ratio of θ against θ = 0 over
/// a normal prior θ ~ N(0, τ²), which has a closed form:
///
///     Λ = √(V / (V + τ²)) · exp(τ² θ̂² / (2 V (V + τ²)))
///
/// Under θ = 0, Λ is a nonnegative martingale with mean 1, so by Ville's inequality it ever reaches 1/α
/// with probability at most α however often it is looked at. Hence 1/Λ, kept at its running minimum, is
/// an always-valid p-value. The set of θ₀ not rejected is a confidence sequence, which covers θ at every
/// look at once. The method is Robbins's (1970), as Johari, Pekelis and Walsh apply it to A/B tests in
/// "Always Valid Inference: Continuous Monitoring of A/B Tests".
///
/// τ sets where the test is most powerful: effects near τ are detected soonest. The checks use their
/// fail margin, the smallest effect that matters.
struct MixtureSequentialTest: Sendable, Equatable {
    /// The estimated difference θ̂.
    let estimate: Double

    /// The variance V of the estimate.
    let variance: Double

    /// The standard deviation τ of the normal mixing distribution.
    let mixingScale: Double

    /// Returns nil unless the variance and the mixing scale are positive and finite.
    init?(estimate: Double, variance: Double, mixingScale: Double) {
        guard estimate.isFinite, variance.isFinite, variance > 0, mixingScale.isFinite, mixingScale > 0 else { return nil }
        self.estimate = estimate
        self.variance = variance
        self.mixingScale = mixingScale
    }

    /// Returns the natural logarithm of the mixture likelihood ratio Λ of θ̂ against θ₀.
    func logLikelihoodRatio(against null: Double = 0) -> Double {
        let tauSquared = mixingScale * mixingScale
        let deviation = estimate - null
        return 0.5 * log(variance / (variance + tauSquared))
            + tauSquared * deviation * deviation / (2 * variance * (variance + tauSquared))
    }

    /// log₁₀ of 1/Λ, capped at 0: the p-value of this look alone, finite however strong the evidence.
    var log10PValue: Double {
        min(0, -logLikelihoodRatio() / M_LN10)
    }

    /// Returns the half-width of the confidence sequence at level 1 − α: the θ₀ with Λ(θ₀) < 1/α.
    func halfWidth(alpha: Double) -> Double {
        let tauSquared = mixingScale * mixingScale
        let boundary = 2 * log(1 / alpha) + log((variance + tauSquared) / variance)
        return (variance * (variance + tauSquared) / tauSquared * boundary).squareRoot()
    }
}
