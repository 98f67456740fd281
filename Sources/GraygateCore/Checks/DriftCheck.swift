import Foundation

/// Judges whether a model output's distribution moved between normal and gray.
///
/// Numeric fields: the effect is the population stability index at normal's deciles, significance the
/// two-sample Kolmogorov-Smirnov test. Categorical fields: the effect is the Jensen-Shannon distance
/// (base 2, in [0, 1]), significance the chi-square test of the 2 × k table. Drift has no better or worse
/// direction, so any significant drift past a threshold counts.
enum DriftCheck {
    static func evaluateNumeric(field: NumericField, index: Int, gray: CohortAccumulator, normal: CohortAccumulator,
                                settings: CheckSettings) -> PendingCheck? {
        let drift = settings.numericDrift
        let grayField = gray.numeric[index]
        let normalField = normal.numeric[index]
        var result = makeResult(id: "drift.\(field.name)", kind: .numericDrift, settings: drift,
                                gray: grayField.distribution.count, normal: normalField.distribution.count,
                                score: "PSI", test: "two-sample Kolmogorov-Smirnov")
        if grayField.distribution.isEmpty && normalField.distribution.isEmpty {
            return nil  // The field never appears: nothing to judge, and the report lists it as absent.
        }
        if let reason = SampleSize.shortfall(gray: grayField.distribution.count, normal: normalField.distribution.count,
                                             minimum: settings.minimumSamples, what: "values of '\(field.name)'") {
            result.reason = reason
            return .settled(result)
        }

        let samples = DistributionAccumulator.comparableSamples(grayField.distribution, normalField.distribution)
        guard let test = KolmogorovSmirnovTest(gray: samples.gray, normal: samples.normal),
              let psi = PopulationStabilityIndex(gray: samples.gray, normal: samples.normal)
        else {
            result.reason = "The values of '\(field.name)' could not be compared."
            return .settled(result)
        }
        result.recordTest(statistic: test.statistic, pValue: test.pValue)
        result.test = "two-sample Kolmogorov-Smirnov (\(test.method == .exact ? "exact" : "asymptotic"))"
        result.effect = CheckResult.Effect(name: "psi", value: psi.value, unit: "index")
        result.details["ks_statistic"] = test.statistic
        result.details["wasserstein"] = WassersteinDistance.distance(samples.gray, samples.normal)
        result.details["mean_gray"] = grayField.distribution.mean
        result.details["mean_normal"] = normalField.distribution.mean
        result.notes["confidence_interval"] = "PSI has no standard confidence interval"
        if !samples.isExact {
            result.notes["sketch"] = "tests ran on sketch buckets"
        }
        return judgeable(result, score: psi.value, settings: drift, name: field.name, scoreName: "PSI")
    }

    static func evaluateCategorical(field: CategoricalField, index: Int, gray: CohortAccumulator,
                                    normal: CohortAccumulator, settings: CheckSettings) -> PendingCheck? {
        let drift = settings.categoricalDrift
        let grayCounter = gray.categorical[index].counter
        let normalCounter = normal.categorical[index].counter
        var result = makeResult(id: "drift.\(field.name)", kind: .categoricalDrift, settings: drift,
                                gray: grayCounter.total, normal: normalCounter.total,
                                score: "Jensen-Shannon distance", test: "chi-square test of homogeneity")
        if grayCounter.total == 0 && normalCounter.total == 0 {
            return nil
        }
        if let reason = SampleSize.shortfall(gray: grayCounter.total, normal: normalCounter.total,
                                             minimum: settings.minimumSamples, what: "values of '\(field.name)'") {
            result.reason = reason
            return .settled(result)
        }

        let table = CategoryTable(gray: grayCounter, normal: normalCounter)
        guard let test = ChiSquareTest(grayCounts: table.grayCounts, normalCounts: table.normalCounts),
              let distance = JensenShannonDistance.distance(grayCounts: table.grayCounts, normalCounts: table.normalCounts)
        else {
            result.reason = "The values of '\(field.name)' could not be compared."
            return .settled(result)
        }
        result.recordTest(statistic: test.statistic, pValue: test.pValue,
                          log10PValue: ChiSquaredDistribution.log10Survival(test.statistic, degreesOfFreedom: Double(test.degreesOfFreedom)))
        result.effect = CheckResult.Effect(name: "jensen_shannon_distance", value: distance, unit: "distance")
        result.details["chi_square_dof"] = Double(test.degreesOfFreedom)
        result.details["min_expected_count"] = test.minimumExpected
        result.details["categories_only_in_gray"] = Double(table.onlyInGray.count)
        result.details["categories_only_in_normal"] = Double(table.onlyInNormal.count)
        if !table.onlyInGray.isEmpty {
            result.notes["categories_only_in_gray"] = table.onlyInGray.prefix(10).joined(separator: ", ")
        }
        if !table.onlyInNormal.isEmpty {
            result.notes["categories_only_in_normal"] = table.onlyInNormal.prefix(10).joined(separator: ", ")
        }
        if test.cellsExpectedBelowFive > 0 {
            result.notes["chi_square"] = "\(test.cellsExpectedBelowFive) cells have an expected count below 5, so the p-value is approximate"
        }
        result.notes["confidence_interval"] = "the Jensen-Shannon distance has no standard confidence interval"
        return judgeable(result, score: distance, settings: drift, name: field.name, scoreName: "Jensen-Shannon distance")
    }

    private static func makeResult(id: String, kind: CheckResult.Kind, settings: DriftCheckSettings, gray: Int,
                                   normal: Int, score: String, test: String) -> CheckResult {
        CheckResult(
            id: id, kind: kind, verdict: .inconclusive, isCritical: settings.isCritical, reason: "", test: test,
            threshold: CheckResult.Threshold(
                warn: settings.warnThreshold, fail: settings.failThreshold,
                description: "fail when significant and \(score) ≥ \(NumberFormat.significant(settings.failThreshold)); "
                    + "warn from \(NumberFormat.significant(settings.warnThreshold))"),
            samples: CheckResult.Samples(gray: gray, normal: normal), details: [:], notes: [:])
    }

    private static func judgeable(_ result: CheckResult, score: Double, settings: DriftCheckSettings, name: String,
                                  scoreName: String) -> PendingCheck {
        var pending = PendingCheck(result: result, needsJudgement: true)
        pending.isWorse = true
        pending.reachesFail = score >= settings.failThreshold
        pending.reachesWarn = score >= settings.warnThreshold
        let scoreText = "\(scoreName) \(NumberFormat.significant(score))"
        let failText = NumberFormat.significant(settings.failThreshold)
        let notes = result.notes["categories_only_in_gray"].map { "; values only in gray: \($0)" } ?? ""
        let warnText = NumberFormat.significant(settings.warnThreshold)
        let isPastWarn = score >= settings.warnThreshold
        pending.explain = { outcome, pText, _ in
            switch outcome {
            case .fail:
                return "The distribution of '\(name)' drifted: \(scoreText) (fail at \(failText)), \(pText)\(notes). Check that the gray model's outputs are meant to change."
            case .warnNotSignificant:
                return "'\(name)' may have drifted (\(scoreText), fail at \(failText)) but the difference is not significant (\(pText)); collect more traffic."
            case .warnWithinMargin:
                return "'\(name)' drifted moderately: \(scoreText) (warn at \(warnText)), \(pText)\(notes)."
            case .pass where isPastWarn:
                return "'\(name)' is past the warn threshold (\(scoreText), warn at \(warnText)) but not significantly (\(pText)), so no drift is established."
            case .pass:
                return "No drift of '\(name)' beyond the thresholds: \(scoreText)."
            }
        }
        return pending
    }
}

/// The category counts of both cohorts aligned on the union of their values, sorted by value.
struct CategoryTable {
    var values: [String] = []
    var grayCounts: [Int] = []
    var normalCounts: [Int] = []
    var onlyInGray: [String] = []
    var onlyInNormal: [String] = []

    init(gray: CategoryCounter, normal: CategoryCounter) {
        var table: [String: (gray: Int, normal: Int)] = [:]
        for (value, count) in gray.counts() { table[value, default: (0, 0)].gray += count }
        for (value, count) in normal.counts() { table[value, default: (0, 0)].normal += count }
        // Values past the category limit are one more column, so no observation is dropped from the test.
        if gray.otherCount + normal.otherCount > 0 {
            table["(other)", default: (0, 0)].gray += gray.otherCount
            table["(other)", default: (0, 0)].normal += normal.otherCount
        }
        for value in table.keys.sorted() {
            let counts = table[value]!  // Safe: the key comes from the table.
            values.append(value)
            grayCounts.append(counts.gray)
            normalCounts.append(counts.normal)
            if counts.normal == 0 { onlyInGray.append(value) }
            if counts.gray == 0 { onlyInNormal.append(value) }
        }
    }
}
