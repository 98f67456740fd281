/// Short texts of a check's figures, shared by the text, Markdown and JUnit renderings.
enum CheckText {
    /// Formats the effect as a person reads it: "+0.52 pp", "PSI 0.31", "p99 +12.3%".
    static func effect(_ check: CheckResult) -> String {
        guard let effect = check.effect else { return "—" }
        switch effect.name {
        case "error_rate_difference", "gray_share_difference":
            return NumberFormat.percentagePoints(effect.value)
        case "rejected_share":
            return NumberFormat.percent(effect.value)
        case "psi":
            return "PSI " + NumberFormat.significant(effect.value)
        case "jensen_shannon_distance":
            return "JS " + NumberFormat.significant(effect.value)
        case "hodges_lehmann_shift_relative":
            return "shift \(NumberFormat.signedPercent(effect.value))"
        default:
            let label = effect.name.hasSuffix("_change") ? String(effect.name.dropLast("_change".count)) : effect.name
            return "\(label) \(NumberFormat.signedPercent(effect.value))"
        }
    }

    /// Formats the confidence interval, or returns an em dash when the check has none.
    static func interval(_ check: CheckResult) -> String {
        guard let interval = check.confidenceInterval else { return "—" }
        if interval.unit == "proportion" {
            return "[\(NumberFormat.percentagePoints(interval.lower)), \(NumberFormat.percentagePoints(interval.upper))]"
        }
        if interval.unit == "ratio" {
            let prefix = interval.name == "geometric_mean_ratio_change" ? "gmean " : ""
            return prefix + "[\(NumberFormat.signedPercent(interval.lower)), \(NumberFormat.signedPercent(interval.upper))]"
        }
        let prefix = interval.name == "hodges_lehmann_shift" ? "shift " : ""
        return prefix + "[\(NumberFormat.signed(interval.lower, unit: "")), \(NumberFormat.signed(interval.upper, unit: ""))] \(interval.unit)"
    }

    /// Formats the Holm-adjusted p-value, or the raw one for checks outside the Holm family.
    static func pValue(_ check: CheckResult) -> String {
        check.adjustedPValue.map { NumberFormat.pValue($0, log10Value: check.adjustedLog10PValue) }
            ?? NumberFormat.pValue(check.pValue, log10Value: check.log10PValue)
    }

    /// Formats the sample sizes as "gray/normal", or returns an em dash for the input-quality check.
    static func samples(_ check: CheckResult) -> String {
        check.kind == .inputQuality ? "—" : "\(check.samples.gray)/\(check.samples.normal)"
    }

    /// Formats every figure of the check on one line, for CI messages.
    static func figures(_ check: CheckResult) -> String {
        var parts = ["verdict \(check.verdict.rawValue)", "effect \(effect(check))"]
        if check.confidenceInterval != nil { parts.append("95% CI \(interval(check))") }
        if check.pValue != nil { parts.append("p (Holm) \(pValue(check))") }
        if let statistic = check.statistic { parts.append("statistic \(NumberFormat.significant(statistic, digits: 4))") }
        if let threshold = check.threshold { parts.append("threshold: \(threshold.description)") }
        if check.kind != .inputQuality { parts.append("n gray/normal \(samples(check))") }
        if let test = check.test { parts.append("test: \(test)") }
        return parts.joined(separator: "; ")
    }
}
