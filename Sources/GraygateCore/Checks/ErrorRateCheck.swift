import Foundation

/// Judges whether gray's error rate is worse than normal's.
///
/// The effect is the difference of rates, gray − normal, with Newcombe's hybrid score interval, which stays
/// sound when a cohort has no errors. A ratio would be undefined there and could let a real regression pass.
/// Significance comes from Fisher's exact test when an expected cell count is below 5, where the normal
/// approximation fails, and from the pooled two-proportion z-test otherwise.
enum ErrorRateCheck {
    static func evaluate(gray: CohortAccumulator, normal: CohortAccumulator, mapping: Mapping,
                         settings: CheckSettings) -> PendingCheck {
        let margin = settings.errorRate.margin
        var result = CheckResult(
            id: "error_rate", kind: .errorRate, verdict: .inconclusive, isCritical: settings.errorRate.isCritical,
            reason: "",
            threshold: CheckResult.Threshold(
                warn: margin / 2, fail: margin,
                description: "fail when significant and the error rate rises by more than "
                    + "\(NumberFormat.percentagePoints(margin)); warn at half the margin"),
            samples: CheckResult.Samples(gray: gray.requests, normal: normal.requests), details: [:], notes: [:])

        if let reason = SampleSize.shortfall(gray: gray.requests, normal: normal.requests,
                                             minimum: settings.minimumSamples, what: "requests") {
            result.reason = reason
            return .settled(result)
        }

        // A mistyped status or error path makes every request look successful; refuse to judge on that.
        let requests = gray.requests + normal.requests
        let statusUnusable = gray.statusMissing + normal.statusMissing + gray.statusInvalid + normal.statusInvalid
        let hasStatus = mapping.statusPath != nil && statusUnusable < requests
        let hasErrorField = mapping.errorPath != nil && gray.errorFieldMissing + normal.errorFieldMissing < requests
        if !hasStatus && !hasErrorField {
            let paths = [mapping.statusPath.map { "'\($0)'" }, mapping.errorPath.map { "'\($0)'" }].compactMap { $0 }
            result.reason = paths.isEmpty
                ? "No error field is mapped, so errors cannot be counted; set mapping.status.path or mapping.error.path."
                : "No line has a numeric status or an error field at \(paths.joined(separator: " or ")), so errors cannot be "
                    + "counted; check mapping.status.path and mapping.error.path."
            return .settled(result)
        }

        let counts = (grayErrors: gray.errors, grayCount: gray.requests, normalErrors: normal.errors, normalCount: normal.requests)
        guard let zTest = TwoProportionZTest(grayErrors: counts.grayErrors, grayCount: counts.grayCount,
                                             normalErrors: counts.normalErrors, normalCount: counts.normalCount)
        else {
            result.reason = "The error counts could not be compared."
            return .settled(result)
        }

        let total = Double(counts.grayCount + counts.normalCount)
        let totalErrors = Double(counts.grayErrors + counts.normalErrors)
        let smallestExpected = [
            totalErrors * Double(counts.grayCount) / total, (total - totalErrors) * Double(counts.grayCount) / total,
            totalErrors * Double(counts.normalCount) / total, (total - totalErrors) * Double(counts.normalCount) / total,
        ].min() ?? 0

        if smallestExpected < 5, let fisher = FisherExactTest(grayErrors: counts.grayErrors, grayCount: counts.grayCount,
                                                            normalErrors: counts.normalErrors, normalCount: counts.normalCount) {
            result.test = "Fisher's exact test (two-sided), used because an expected count is below 5"
            result.statistic = fisher.oddsRatio.flatMap { $0.isFinite ? $0 : nil }
            if fisher.oddsRatio.map({ !$0.isFinite }) ?? true {
                result.notes["statistic"] = "the odds ratio is undefined or infinite because a cell of the table is 0"
            }
            result.recordTest(statistic: result.statistic, pValue: fisher.pValue)
        } else {
            result.test = "two-proportion z-test (pooled, two-sided)"
            result.recordTest(statistic: zTest.z, pValue: zTest.pValue, log10PValue: zTest.log10PValue)
        }

        result.details["rate_gray"] = zTest.rateGray
        result.details["rate_normal"] = zTest.rateNormal
        result.effect = CheckResult.Effect(name: "error_rate_difference", value: zTest.difference, unit: "proportion")
        if let interval = ProportionDifferenceInterval.newcombe(
            grayErrors: counts.grayErrors, grayCount: counts.grayCount,
            normalErrors: counts.normalErrors, normalCount: counts.normalCount) {
            result.confidenceInterval = CheckResult.Interval(
                name: "error_rate_difference", lower: interval.lower, upper: interval.upper, level: 0.95, unit: "proportion")
        }
        if let ratio = RateRatioInterval.katzLog(
            grayErrors: counts.grayErrors, grayCount: counts.grayCount,
            normalErrors: counts.normalErrors, normalCount: counts.normalCount) {
            result.details["rate_ratio"] = counts.normalErrors > 0 ? ratio.estimate : nil
            result.details["rate_ratio_lower"] = ratio.lower
            result.details["rate_ratio_upper"] = ratio.upper
        }
        if counts.normalErrors == 0 {
            result.notes["rate_ratio"] = "normal has no errors, so the ratio is undefined; the difference is judged"
        }

        var pending = PendingCheck(result: result, needsJudgement: true)
        pending.isWorse = zTest.difference > 0
        pending.reachesFail = zTest.difference > margin
        pending.reachesWarn = zTest.difference > margin / 2

        let rates = "gray \(NumberFormat.percent(zTest.rateGray)) vs normal \(NumberFormat.percent(zTest.rateNormal))"
        let marginText = NumberFormat.percentagePoints(margin)
        pending.explain = { outcome, pText, final in
            // The interval comes from the final result: a sequential test replaces it with its confidence sequence.
            let difference = "\(NumberFormat.percentagePoints(zTest.difference))"
                + (final.confidenceInterval.map {
                    " [\(NumberFormat.percentagePoints($0.lower)), \(NumberFormat.percentagePoints($0.upper))]"
                } ?? "")
            switch outcome {
            case .fail:
                return "Gray fails more often: \(rates), \(difference) (margin \(marginText)), \(pText). Hold the rollout and read gray's error logs."
            case .warnNotSignificant:
                return "Gray's error rate is higher beyond the margin (\(rates), \(difference)) but not significantly (\(pText)); collect more traffic before widening."
            case .warnWithinMargin:
                return "Gray's error rate is significantly higher but within the margin \(marginText): \(rates), \(difference), \(pText)."
            case .pass:
                return "No error-rate regression beyond \(marginText): \(rates), \(difference)."
            }
        }
        return pending
    }
}
