/// A check whose evidence is computed but whose verdict waits for the Holm correction across checks.
struct PendingCheck {
    /// The result with every figure filled in; `verdict` and `reason` are final only once judged.
    var result: CheckResult

    /// False when the verdict is already known (too few samples, not applicable).
    var needsJudgement: Bool

    /// Whether gray is worse than normal in the direction the check guards against.
    var isWorse = false

    /// Whether the effect reaches the warn threshold, and whether it reaches the fail margin.
    var reachesWarn = false
    var reachesFail = false

    /// Builds the reason sentence once the outcome and the adjusted p-value are known, from the final
    /// result, whose interval a sequential test may have replaced.
    var explain: (Outcome, String, CheckResult) -> String = { _, _, _ in "" }

    /// The finding of the judgement.
    enum Outcome {
        case fail
        /// Significant and worse, past the warn threshold but within the fail margin.
        case warnWithinMargin
        /// Past the fail margin but not significant.
        case warnNotSignificant
        case pass
    }

    /// Makes a check settled before any test: too few samples, or nothing to compare.
    static func settled(_ result: CheckResult) -> PendingCheck {
        PendingCheck(result: result, needsJudgement: false)
    }

    /// Decides the verdict from the significance after correction.
    mutating func judge(adjustedPValue: Double?, adjustedLog10PValue: Double?, alpha: Double) {
        guard needsJudgement else { return }
        result.adjustedPValue = adjustedPValue
        result.adjustedLog10PValue = adjustedLog10PValue.flatMap { $0.isFinite ? $0 : nil }
        let isSignificant = (adjustedPValue ?? 1) < alpha
        let outcome: Outcome
        if isWorse && reachesFail && isSignificant {
            outcome = .fail
        } else if isWorse && reachesFail {
            outcome = .warnNotSignificant
        } else if isWorse && reachesWarn && isSignificant {
            outcome = .warnWithinMargin
        } else {
            outcome = .pass
        }
        switch outcome {
        case .fail: result.verdict = .fail
        case .warnWithinMargin, .warnNotSignificant: result.verdict = .warn
        case .pass: result.verdict = .pass
        }
        let pText = "Holm-adjusted p = " + NumberFormat.pValue(adjustedPValue, log10Value: result.adjustedLog10PValue)
        result.reason = explain(outcome, pText, result)
    }
}
