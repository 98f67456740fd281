import Foundation

/// Makes the latency and error-rate checks anytime-valid, for `watch`, which judges at every interval.
///
/// A fixed-sample test looked at every interval fails a healthy release far more often than α: each look
/// is another chance for noise to cross the line. Here each check's p-value comes from a mixture
/// sequential probability ratio test (see `MixtureSequentialTest`) and is kept at its minimum over the
/// looks. Its confidence interval is the running intersection of confidence sequences. Both stay valid
/// however many looks were taken and whenever the watch stops. The verdict rules stay those of `analyze`:
/// a fail needs the effect past its margin and the adjusted p-value below α.
///
/// The evidence of one watch lives across its looks, so this is a reference type, used on one thread.
final class SequentialEvidence {
    private var smallestLog10PValue: [String: Double] = [:]
    private var intervals: [String: ClosedRange<Double>] = [:]

    /// The checks whose confidence sequence lies wholly below the fail margin at the latest look.
    private(set) var confidentPasses: Set<String> = []

    init() {}

    /// Replaces the fixed-sample test of a latency or error-rate check with the sequential one.
    func apply(to pending: inout PendingCheck, gray: CohortAccumulator, normal: CohortAccumulator, settings: CheckSettings) {
        guard pending.needsJudgement else {
            confidentPasses.remove(pending.result.id)
            return
        }
        switch pending.result.kind {
        case .errorRate:
            applyToErrorRate(&pending, gray: gray, normal: normal, settings: settings)
        case .latency:
            applyToLatency(&pending, gray: gray, normal: normal, settings: settings)
        default:
            return
        }
    }

    // MARK: - Error rate

    /// Tests the difference of error rates, gray − normal, with τ at the margin.
    ///
    /// The variance uses (errors + 1) / (requests + 2) for each rate, so a cohort with no errors yet does not
    /// claim zero variance and make a single error look conclusive.
    private func applyToErrorRate(_ pending: inout PendingCheck, gray: CohortAccumulator, normal: CohortAccumulator,
                                  settings: CheckSettings) {
        let margin = settings.errorRate.margin
        guard let test = Self.errorRateTest(grayErrors: gray.errors, grayRequests: gray.requests,
                                            normalErrors: normal.errors, normalRequests: normal.requests, margin: margin)
        else { return }

        let interval = record(test, id: pending.result.id, alpha: settings.alpha)
        replaceTest(of: &pending, with: test, interval: interval, unit: "proportion", name: "error_rate_difference",
                    alpha: settings.alpha)
        pending.isWorse = test.estimate > 0
        update(confidentPass: interval.upperBound < margin, id: pending.result.id)
    }

    /// Returns the test of one look at the error counts.
    static func errorRateTest(grayErrors: Int, grayRequests: Int, normalErrors: Int, normalRequests: Int,
                              margin: Double) -> MixtureSequentialTest? {
        guard grayRequests > 0, normalRequests > 0 else { return nil }
        let difference = Double(grayErrors) / Double(grayRequests) - Double(normalErrors) / Double(normalRequests)
        let variance = smoothedVariance(errors: grayErrors, requests: grayRequests)
            + smoothedVariance(errors: normalErrors, requests: normalRequests)
        return MixtureSequentialTest(estimate: difference, variance: variance, mixingScale: max(margin, 0.001))
    }

    private static func smoothedVariance(errors: Int, requests: Int) -> Double {
        let rate = Double(errors + 1) / Double(requests + 2)
        return rate * (1 - rate) / Double(requests)
    }

    // MARK: - Latency

    /// Tests the difference of mean log latency, the log of the ratio of geometric means, with τ at the
    /// shift margin. A shift of the log latency is the relative slowdown the margins are written in.
    ///
    /// Latencies below 10 µs count as 10 µs, so a logged 0 has a logarithm. Once a cohort is sketched, its
    /// moments come from bucket representatives, within the sketch's relative accuracy.
    private func applyToLatency(_ pending: inout PendingCheck, gray: CohortAccumulator, normal: CohortAccumulator,
                                settings: CheckSettings) {
        let margin = settings.latency.shiftMargin
        guard let grayMoments = LogMoments(gray.latency.sample()), let normalMoments = LogMoments(normal.latency.sample()),
              let test = Self.latencyTest(gray: grayMoments, normal: normalMoments, margin: margin)
        else { return }

        let logInterval = record(test, id: pending.result.id, alpha: settings.alpha)
        let interval = expm1(logInterval.lowerBound)...expm1(logInterval.upperBound)
        pending.result.details["geometric_mean_ratio_change"] = expm1(test.estimate)
        replaceTest(of: &pending, with: test, interval: interval, unit: "ratio", name: "geometric_mean_ratio_change",
                    alpha: settings.alpha)
        pending.isWorse = test.estimate > 0
        update(confidentPass: interval.upperBound < margin, id: pending.result.id)
    }

    /// Returns the test of one look at the log-latency moments.
    static func latencyTest(gray: LogMoments, normal: LogMoments, margin: Double) -> MixtureSequentialTest? {
        MixtureSequentialTest(estimate: gray.mean - normal.mean, variance: gray.variance / gray.count + normal.variance / normal.count,
                              mixingScale: log1p(max(margin, 0.01)))
    }

    /// The count, mean and variance of log latency in milliseconds.
    struct LogMoments {
        var count: Double
        var mean: Double
        var variance: Double

        init(count: Double, mean: Double, variance: Double) {
            self.count = count
            self.mean = mean
            self.variance = variance
        }

        init?(_ sample: WeightedSample) {
            guard sample.totalCount >= 2 else { return nil }
            var sum = 0.0
            for (value, weight) in zip(sample.values, sample.counts) {
                sum += Double(weight) * log(max(value, 0.01))
            }
            count = Double(sample.totalCount)
            mean = sum / count
            var squares = 0.0
            for (value, weight) in zip(sample.values, sample.counts) {
                let deviation = log(max(value, 0.01)) - mean
                squares += Double(weight) * deviation * deviation
            }
            variance = squares / (count - 1)
        }
    }

    // MARK: - Shared steps

    /// Folds this look into the running minimum p-value and the running intersection of intervals, and
    /// returns that intersection.
    private func record(_ test: MixtureSequentialTest, id: String, alpha: Double) -> ClosedRange<Double> {
        smallestLog10PValue[id] = min(smallestLog10PValue[id] ?? 0, test.log10PValue)
        let halfWidth = test.halfWidth(alpha: alpha)
        var lower = test.estimate - halfWidth
        var upper = test.estimate + halfWidth
        if let previous = intervals[id] {
            lower = max(lower, previous.lowerBound)
            upper = min(upper, previous.upperBound)
        }
        // Intervals of different looks can fail to overlap only by chance (probability at most α); the
        // latest look's interval is kept then, because an empty interval would be useless.
        let interval = lower <= upper ? lower...upper : (test.estimate - halfWidth)...(test.estimate + halfWidth)
        intervals[id] = interval
        return interval
    }

    private func replaceTest(of pending: inout PendingCheck, with test: MixtureSequentialTest, interval: ClosedRange<Double>,
                             unit: String, name: String, alpha: Double) {
        var result = pending.result
        // Safe: smallestLog10PValue was set by `record` for this id just before.
        let log10P = smallestLog10PValue[result.id]!
        result.details["fixed_sample_p_value"] = result.pValue
        result.test = "mixture SPRT, always valid (normal mixture, τ = \(NumberFormat.significant(test.mixingScale)))"
        result.statistic = test.estimate / test.variance.squareRoot()
        result.pValue = pow(10, log10P)
        result.log10PValue = log10P
        result.details["log10_likelihood_ratio"] = test.logLikelihoodRatio() / M_LN10
        result.confidenceInterval = CheckResult.Interval(name: name, lower: interval.lowerBound, upper: interval.upperBound,
                                                         level: 1 - alpha, unit: unit)
        result.notes["confidence_interval"] = "a confidence sequence, valid at every look at once"
        pending.result = result

        let explain = pending.explain
        pending.explain = { outcome, pText, final in
            let sentence = explain(outcome, "always-valid " + pText, final)
            // The latency sentence describes the Hodges-Lehmann shift, so the interval judged is added to it.
            guard final.kind == .latency, let interval = final.confidenceInterval else { return sentence }
            return sentence + " Geometric-mean latency change \(NumberFormat.signedPercent(final.details[name] ?? nil)), "
                + "confidence sequence [\(NumberFormat.signedPercent(interval.lower)), \(NumberFormat.signedPercent(interval.upper))]."
        }
    }

    private func update(confidentPass: Bool, id: String) {
        if confidentPass {
            confidentPasses.insert(id)
        } else {
            confidentPasses.remove(id)
        }
    }
}
