/// Judges whether gray's latency is worse than normal's.
///
/// Significance comes from the Mann-Whitney U test, which compares whole distributions without assuming a
/// shape. The effect is judged on the relative change of each configured quantile and on the
/// Hodges-Lehmann shift relative to normal's median. The check warns at half of each margin.
enum LatencyCheck {
    static func evaluate(gray: CohortAccumulator, normal: CohortAccumulator, settings: CheckSettings) -> PendingCheck {
        let latency = settings.latency
        let grayCount = gray.latency.count
        let normalCount = normal.latency.count
        let fail = latency.quantileMargins.values.max()
        var result = CheckResult(
            id: "latency", kind: .latency, verdict: .inconclusive, isCritical: latency.isCritical, reason: "",
            test: "Mann-Whitney U (two-sided, tie and continuity corrected)",
            threshold: CheckResult.Threshold(
                warn: fail.map { $0 / 2 }, fail: fail,
                description: marginDescription(latency)),
            samples: CheckResult.Samples(gray: grayCount, normal: normalCount), details: [:], notes: [:])

        if let reason = SampleSize.shortfall(gray: grayCount, normal: normalCount, minimum: settings.minimumSamples,
                                             what: "requests with a latency") {
            result.reason = reason
            return .settled(result)
        }

        let samples = DistributionAccumulator.comparableSamples(gray.latency, normal.latency)
        guard let test = MannWhitneyUTest(gray: samples.gray, normal: samples.normal) else {
            result.reason = "The latency samples could not be compared."
            return .settled(result)
        }
        result.recordTest(statistic: test.z, pValue: test.pValue, log10PValue: test.log10PValue)
        result.details["u_gray"] = test.uGray
        result.details["auc_gray_slower"] = test.auc
        if !samples.isExact {
            result.notes["sketch"] = "tests ran on sketch buckets of relative accuracy \(gray.latency.layout.relativeAccuracy)"
        }

        let normalMedian = normal.latency.quantile(0.5)
        let shiftSamples = DistributionAccumulator.spreadSamples(gray.latency, normal.latency)
        if let shift = HodgesLehmannEstimate(gray: shiftSamples.gray, normal: shiftSamples.normal) {
            result.details["hodges_lehmann_shift_ms"] = shift.estimate
            result.confidenceInterval = CheckResult.Interval(
                name: "hodges_lehmann_shift", lower: shift.lower, upper: shift.upper,
                level: shift.confidenceLevel, unit: "ms")
            if let normalMedian, normalMedian > 0 {
                result.details["hodges_lehmann_shift_relative"] = shift.estimate / normalMedian
            }
        }

        // Each judged effect: the quantile changes and the Hodges-Lehmann shift, each against its margin.
        var effects: [JudgedEffect] = []
        for quantile in LatencyQuantile.allCases {
            guard let grayValue = gray.latency.quantile(quantile.probability),
                  let normalValue = normal.latency.quantile(quantile.probability) else { continue }
            guard normalValue > 0 else {
                result.notes["\(quantile.rawValue)_change"] = "normal \(quantile.rawValue) latency is 0, so a relative change is undefined"
                continue
            }
            let change = grayValue / normalValue - 1
            result.details["\(quantile.rawValue)_change"] = change
            if let margin = latency.quantileMargins[quantile] {
                effects.append(JudgedEffect(name: "\(quantile.rawValue)_change", label: "gray \(quantile.rawValue) latency",
                                            change: change, margin: margin))
            }
        }
        if let relativeShift = result.details["hodges_lehmann_shift_relative"] ?? nil {
            effects.append(JudgedEffect(name: "hodges_lehmann_shift_relative", label: "Hodges-Lehmann shift relative to normal's median",
                                        change: relativeShift, margin: latency.shiftMargin))
        }

        // The effect reported is the one that uses up the largest share of its margin, so a fail names
        // what triggered it and the threshold shown is that effect's own margin.
        let worst = effects.max { $0.shareOfMargin < $1.shareOfMargin }
        var pending = PendingCheck(result: result, needsJudgement: true)
        pending.isWorse = test.auc > 0.5
        pending.reachesFail = effects.contains { $0.change > $0.margin }
        pending.reachesWarn = effects.contains { $0.change > $0.margin / 2 }
        if let worst {
            pending.result.effect = CheckResult.Effect(name: worst.name, value: worst.change, unit: "ratio")
            pending.result.threshold = CheckResult.Threshold(warn: worst.margin / 2, fail: worst.margin,
                                                             description: marginDescription(latency))
        }

        let shiftText = pending.result.confidenceInterval.map { interval in
            "Hodges-Lehmann shift \(NumberFormat.signed(pending.result.details["hodges_lehmann_shift_ms"] ?? nil, unit: "ms")) "
                + "[\(NumberFormat.significant(interval.lower)), \(NumberFormat.significant(interval.upper))] ms"
        } ?? "no shift estimate"
        // The sentence leads with the effect that decided, and names the shift only once when that decided.
        let effectText: String
        if let worst, worst.name == "hodges_lehmann_shift_relative" {
            effectText = "\(shiftText), \(NumberFormat.signedPercent(worst.change)) of normal's median "
                + "(margin \(NumberFormat.signedPercent(worst.margin)))"
        } else if let worst {
            effectText = "\(worst.label) \(NumberFormat.signedPercent(worst.change)) "
                + "(margin \(NumberFormat.signedPercent(worst.margin))), \(shiftText)"
        } else {
            effectText = "no quantile could be compared, \(shiftText)"
        }

        pending.explain = { outcome, pText, _ in
            switch outcome {
            case .fail:
                return "Gray is slower beyond the margin: \(effectText), \(pText). Hold the rollout and investigate the slowdown."
            case .warnNotSignificant:
                return "Gray looks slower beyond the margin (\(effectText)) but the difference is not significant (\(pText)); collect more traffic before widening."
            case .warnWithinMargin:
                return "Gray is significantly slower but within the margin: \(effectText), \(pText)."
            case .pass:
                return "No latency regression beyond the margins: \(effectText)."
            }
        }
        return pending
    }

    /// A relative latency change held against its margin.
    private struct JudgedEffect {
        var name: String
        var label: String
        var change: Double
        var margin: Double

        var shareOfMargin: Double { margin > 0 ? change / margin : change }
    }

    private static func marginDescription(_ settings: LatencyCheckSettings) -> String {
        let quantiles = settings.quantileMargins.sorted { $0.key < $1.key }
            .map { "\($0.key.rawValue) \(NumberFormat.signedPercent($0.value))" }
        return "fail when significant and " + (quantiles + ["shift \(NumberFormat.signedPercent(settings.shiftMargin)) of normal median"])
            .joined(separator: " or ") + " is exceeded; warn at half of each margin"
    }
}
