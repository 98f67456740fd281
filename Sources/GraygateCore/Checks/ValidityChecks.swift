/// Checks that decide whether the run can be trusted at all, rather than whether gray is worse.
///
/// A broken traffic split (sample ratio mismatch) means the cohorts were not assigned as the rollout intends,
/// so comparing them is unsound. Too many rejected lines mean the figures rest on a biased part of the log.
/// Either failure makes the run invalid. They stay outside the Holm family, because they guard the
/// comparison rather than test the release.
enum ValidityChecks {
    static func trafficSplit(gray: Int, normal: Int, settings: CheckSettings) -> CheckResult? {
        guard let expected = settings.trafficSplit.expectedGrayShare else { return nil }
        let alpha = settings.trafficSplit.alpha
        var result = CheckResult(
            id: "traffic_split", kind: .trafficSplit, verdict: .inconclusive, isCritical: true, reason: "",
            test: "chi-square goodness of fit (sample ratio mismatch)",
            threshold: CheckResult.Threshold(warn: nil, fail: alpha,
                                             description: "invalid when p < \(NumberFormat.significant(alpha))"),
            samples: CheckResult.Samples(gray: gray, normal: normal), details: [:], notes: [:])

        guard let test = SampleRatioMismatchTest(grayCount: gray, normalCount: normal, expectedGrayShare: expected) else {
            result.reason = "No requests were assigned to a cohort, so the traffic split cannot be checked."
            return result
        }
        result.statistic = test.statistic
        result.pValue = test.pValue
        result.effect = CheckResult.Effect(name: "gray_share_difference", value: test.observedGrayShare - expected, unit: "proportion")
        result.details["observed_gray_share"] = test.observedGrayShare
        result.details["expected_gray_share"] = expected
        let shares = "gray share \(NumberFormat.percent(test.observedGrayShare)) against the expected \(NumberFormat.percent(expected))"
        if test.pValue < alpha {
            result.verdict = .fail
            result.reason = "The traffic split is broken: \(shares), p = \(NumberFormat.pValue(test.pValue)). "
                + "Fix the routing or the cohort mapping before judging the release."
        } else {
            result.verdict = .pass
            result.reason = "The traffic split matches the rollout: \(shares)."
        }
        return result
    }

    static func inputQuality(_ input: InputAccounting, settings: CheckSettings) -> CheckResult {
        let share = input.linesRead > 0 ? Double(input.rejectedLines) / Double(input.linesRead) : 0
        let limit = settings.maxRejectedShare
        var result = CheckResult(
            id: "input_quality", kind: .inputQuality, verdict: .pass, isCritical: true, reason: "",
            effect: CheckResult.Effect(name: "rejected_share", value: share, unit: "proportion"),
            threshold: CheckResult.Threshold(warn: nil, fail: limit,
                                             description: "invalid when more than \(NumberFormat.percent(limit)) of lines are rejected"),
            samples: CheckResult.Samples(gray: 0, normal: 0), details: [:], notes: [:])
        result.details["rejected_lines"] = Double(input.rejectedLines)
        result.details["lines_read"] = Double(input.linesRead)

        if let corrupt = input.damage.first(where: { $0.kind == .corrupt }) {
            result.verdict = .fail
            result.reason = "The gzip data of '\(corrupt.path)' is corrupt. A decoder detects corruption only where the data stops making sense "
                + "or at a member's checksum, so lines decoded before that point may be damaged and the sample cannot be trusted; "
                + "fetch the file again or leave it out."
        } else if share > limit {
            result.verdict = .fail
            let top = input.rejectedByReason.max { $0.value < $1.value }
            result.reason = "\(input.rejectedLines) of \(input.linesRead) lines (\(NumberFormat.percent(share))) were rejected, "
                + "over the limit of \(NumberFormat.percent(limit))"
                + (top.map { ", mostly '\($0.key.description)'" } ?? "")
                + "; fix the log format or the mapping, or raise checks.max_rejected_share."
        } else if input.rejectedLines > 0 {
            result.reason = "\(input.rejectedLines) of \(input.linesRead) lines (\(NumberFormat.percent(share))) were rejected, within the limit of \(NumberFormat.percent(limit))."
        } else {
            result.reason = "Every non-blank line was a JSON object."
        }
        return result
    }
}
