import Foundation

/// Runs every check on a log summary, applies the Holm correction, and decides the overall verdict.
enum Judge {
    /// - Parameter sequential: the evidence of earlier looks, which makes the latency and error-rate checks
    ///   anytime-valid for `watch`; nil for the fixed-sample tests of `analyze`.
    static func checks(for summary: LogSummary, configuration: Configuration,
                       sequential: SequentialEvidence? = nil) -> [CheckResult] {
        let settings = configuration.checks
        let mapping = configuration.mapping
        var pending: [PendingCheck] = []

        if settings.latency.isEnabled {
            pending.append(LatencyCheck.evaluate(gray: summary.gray, normal: summary.normal, settings: settings))
        }
        if settings.errorRate.isEnabled {
            pending.append(ErrorRateCheck.evaluate(gray: summary.gray, normal: summary.normal, mapping: mapping, settings: settings))
        }
        if settings.numericDrift.isEnabled {
            for (index, field) in mapping.numericFields.enumerated() {
                if let check = DriftCheck.evaluateNumeric(field: field, index: index, gray: summary.gray,
                                                          normal: summary.normal, settings: settings) {
                    pending.append(check)
                }
            }
        }
        if settings.categoricalDrift.isEnabled {
            for (index, field) in mapping.categoricalFields.enumerated() {
                if let check = DriftCheck.evaluateCategorical(field: field, index: index, gray: summary.gray,
                                                              normal: summary.normal, settings: settings) {
                    pending.append(check)
                }
            }
        }

        if let sequential {
            for index in pending.indices {
                sequential.apply(to: &pending[index], gray: summary.gray, normal: summary.normal, settings: settings)
            }
        }

        // The Holm family is the checks that ran a test; settled ones (too few samples) take no share of α.
        let tested = pending.indices.filter { pending[$0].needsJudgement && pending[$0].result.pValue != nil }
        // Safe: filtered above. Tests that underflow report log10 p, which keeps their order and size.
        let adjusted = HolmCorrection.adjust(tested.map { pending[$0].result.pValue! })
        let adjustedLog10 = HolmCorrection.adjustLog10(tested.map { index in
            let result = pending[index].result
            return result.log10PValue ?? (result.pValue! > 0 ? log10(result.pValue!) : -.infinity)
        })
        for (position, index) in tested.enumerated() {
            pending[index].judge(adjustedPValue: adjusted[position], adjustedLog10PValue: adjustedLog10[position],
                                 alpha: settings.alpha)
        }

        var results = pending.map(\.result)
        if let split = ValidityChecks.trafficSplit(gray: summary.gray.requests, normal: summary.normal.requests, settings: settings) {
            results.append(split)
        }
        results.append(ValidityChecks.inputQuality(summary.input, settings: settings))
        return results
    }

    /// Decides the overall verdict and its reason from the checks.
    static func overall(_ checks: [CheckResult]) -> (verdict: Verdict, reason: String) {
        let validity = checks.filter { $0.kind == .trafficSplit || $0.kind == .inputQuality }
        if let broken = validity.first(where: { $0.verdict == .fail }) {
            return (.invalid, "The run is invalid. \(broken.reason)")
        }

        let release = checks.filter { !validity.contains($0) }
        let critical = release.filter(\.isCritical)
        let failed = critical.filter { $0.verdict == .fail }
        if !failed.isEmpty {
            return (.fail, "Do not widen the rollout: \(failed.map(\.id).joined(separator: ", ")) failed. \(failed[0].reason)")
        }
        let inconclusive = critical.filter { $0.verdict == .inconclusive }
        if !inconclusive.isEmpty {
            return (.inconclusive, "Not enough evidence yet: \(inconclusive.map(\.id).joined(separator: ", ")) inconclusive. \(inconclusive[0].reason)")
        }
        let warned = release.filter { $0.verdict == .warn || ($0.verdict == .fail && !$0.isCritical) }
        if !warned.isEmpty {
            return (.warn, "Widen with care: \(warned.map(\.id).joined(separator: ", ")) warned. \(warned[0].reason)")
        }
        if release.isEmpty {
            return (.inconclusive, "No check ran: enable at least one check in the configuration.")
        }
        return (.pass, "Safe to widen: every check passed.")
    }
}
