/// Builds the report value from a log summary: per-cohort figures, the checks and the overall verdict.
enum ReportBuilder {
    static func build(summary: LogSummary, configuration: Configuration, files: [String],
                      sequential: SequentialEvidence? = nil) -> Report {
        let checks = Judge.checks(for: summary, configuration: configuration, sequential: sequential)
        var (verdict, reason) = Judge.overall(checks)
        if let hint = cohortHint(summary, mapping: configuration.mapping) {
            reason += " " + hint
        }
        let damaged = summary.input.damage.filter { $0.kind != .corrupt }
        if verdict != .invalid && !damaged.isEmpty {
            reason += damaged.count == 1 ? " One input was damaged; see the notes." : " \(damaged.count) inputs were damaged; see the notes."
        }

        let input = summary.input
        let assigned = summary.gray.requests + summary.normal.requests
        var report = Report(
            verdict: verdict,
            reason: reason,
            input: InputReport(
                files: files,
                bytesRead: input.bytesRead,
                linesRead: input.linesRead,
                acceptedLines: input.acceptedLines,
                rejectedLines: input.rejectedLines,
                blankLines: input.blankLines,
                joinedPieces: input.joinedPieces,
                rejectedByReason: Dictionary(uniqueKeysWithValues: input.rejectedByReason.map { ($0.key.rawValue, $0.value) }),
                rejectedExamples: input.examples,
                unassignedByValue: Dictionary(input.unassigned.counts().map { ($0.value, $0.count) }, uniquingKeysWith: +)
                    .merging(input.unassigned.otherCount > 0 ? ["(other)": input.unassigned.otherCount] : [:], uniquingKeysWith: +),
                unassignedLines: input.unassigned.total,
                nonRequestLines: input.nonRequestLines,
                timeRange: input.firstTimestamp.flatMap { first in input.lastTimestamp.map { first...$0 } },
                damage: input.damage,
                events: configuration.mapping.events.map { events in
                    EventReport(paired: input.events.paired, unpairedRequests: input.events.unpairedRequests,
                                unpairedResponses: input.events.unpairedResponses, duplicates: input.events.duplicates,
                                evicted: input.events.evicted, pending: 0, maxPending: events.maxPending)
                }),
            cohorts: Cohort.allCases.map { cohortReport($0, summary[$0], configuration: configuration) },
            traffic: TrafficReport(
                grayShare: assigned > 0 ? Double(summary.gray.requests) / Double(assigned) : nil,
                expectedGrayShare: configuration.checks.trafficSplit.expectedGrayShare),
            checks: checks,
            settings: SettingsReport(
                alpha: configuration.checks.alpha,
                minimumSamples: configuration.checks.minimumSamples,
                maxRejectedShare: configuration.checks.maxRejectedShare))
        report.notes = absentFieldNotes(summary, mapping: configuration.mapping) + damageNotes(summary.input.damage)
        return report
    }

    /// Notes what each damaged input means for the verdict.
    private static func damageNotes(_ damage: [InputDamage]) -> [String] {
        damage.compactMap { entry in
            switch entry.kind {
            case .truncated:
                return "'\(entry.path)' ends inside a gzip member, as a file still being written does; the verdict rests on the complete lines before the cut."
            case .trailingGarbage:
                return "'\(entry.path)' has bytes after its last gzip member that are not gzip; they were ignored."
            case .corrupt:
                return nil  // The input_quality check explains it and makes the run invalid.
            }
        }
    }

    /// Notes each mapped field that no accepted line had, since its check then does not run.
    private static func absentFieldNotes(_ summary: LogSummary, mapping: Mapping) -> [String] {
        guard summary.gray.requests + summary.normal.requests > 0 else { return [] }
        var notes: [String] = []
        for (index, field) in mapping.numericFields.enumerated()
        where summary.gray.numeric[index].distribution.isEmpty && summary.normal.numeric[index].distribution.isEmpty {
            notes.append("No request had a numeric value at '\(field.path)', so the drift check of '\(field.name)' did not run.")
        }
        for (index, field) in mapping.categoricalFields.enumerated()
        where summary.gray.categorical[index].counter.total == 0 && summary.normal.categorical[index].counter.total == 0 {
            notes.append("No request had a value at '\(field.path)', so the drift check of '\(field.name)' did not run.")
        }
        let requests = summary.gray.requests + summary.normal.requests
        if let path = mapping.statusPath, mapping.errorPath != nil,
           summary.gray.statusMissing + summary.normal.statusMissing == requests {
            notes.append("No request had a status at '\(path)'; errors were counted from the error field only.")
        }
        let invalid = summary.gray.statusInvalid + summary.normal.statusInvalid
        if let path = mapping.statusPath, invalid > 0 {
            notes.append("\(invalid) requests had a status at '\(path)' that is not a whole number; they were not counted as errors by status.")
        }
        if let path = mapping.timestampPath, summary.input.firstTimestamp == nil {
            notes.append("No line had a readable timestamp at '\(path)' (RFC 3339 or a number since the epoch), so the report "
                + "gives no time range; set mapping.timestamp.path.")
        }
        return notes
    }

    private static func cohortReport(_ cohort: Cohort, _ accumulator: CohortAccumulator,
                                     configuration: Configuration) -> CohortReport {
        CohortReport(
            cohort: cohort,
            requests: accumulator.requests,
            errors: accumulator.errors,
            errorRate: accumulator.requests > 0 ? Double(accumulator.errors) / Double(accumulator.requests) : nil,
            statusMissing: accumulator.statusMissing,
            statusInvalid: accumulator.statusInvalid,
            errorFieldMissing: accumulator.errorFieldMissing,
            latency: distributionReport(name: "latency_ms", accumulator.latency, missing: accumulator.latencyMissing,
                                        invalid: accumulator.latencyInvalid),
            latencyHistogram: histogramReport(accumulator.latencyHistogram, sumMilliseconds: accumulator.latency.sum.value),
            numericFields: zip(configuration.mapping.numericFields, accumulator.numeric).map { field, values in
                distributionReport(name: field.name, values.distribution, missing: values.missing, invalid: values.invalid)
            },
            categoricalFields: zip(configuration.mapping.categoricalFields, accumulator.categorical).map { field, values in
                CategoriesReport(
                    name: field.name, count: values.counter.total, missing: values.missing,
                    categories: Dictionary(values.counter.counts().map { ($0.value, $0.count) }, uniquingKeysWith: +),
                    other: values.counter.otherCount)
            })
    }

    private static func distributionReport(name: String, _ values: DistributionAccumulator, missing: Int,
                                           invalid: Int) -> DistributionReport {
        let quantiles = values.quantiles(LatencyQuantile.allCases.map(\.probability))
        return DistributionReport(
            name: name, count: values.count, missing: missing, invalid: invalid, mean: values.mean,
            min: values.isEmpty ? nil : values.minimum, max: values.isEmpty ? nil : values.maximum,
            p50: quantiles[0], p90: quantiles[1], p95: quantiles[2], p99: quantiles[3],
            quantileMethod: values.isExact ? "exact" : "sketch",
            relativeAccuracy: values.isExact ? nil : values.layout.relativeAccuracy)
    }

    private static func histogramReport(_ histogram: LatencyHistogram, sumMilliseconds: Double) -> HistogramReport {
        let cumulative = histogram.cumulativeCounts
        let sum = sumMilliseconds / 1000
        return HistogramReport(upperBounds: LatencyHistogram.upperBoundsSeconds, cumulativeCounts: Array(cumulative.dropLast()),
                               count: cumulative.last ?? 0, sum: sum.isFinite ? sum : nil)
    }

    /// Explains an empty cohort with the cohort values that were seen instead, the usual mapping mistake.
    private static func cohortHint(_ summary: LogSummary, mapping: Mapping) -> String? {
        let empty = Cohort.allCases.filter { summary[$0].requests == 0 }
        guard !empty.isEmpty else { return nil }
        let seen = summary.input.unassigned.counts().sorted { $0.count > $1.count }.prefix(5)
            .map { "'\($0.value)' (\($0.count))" }
        let names = empty.map(\.rawValue).joined(separator: " and ")
        if seen.isEmpty {
            return "No line was assigned to \(names); check mapping.cohort.path ('\(mapping.cohortPath)')."
        }
        return "No line was assigned to \(names); values of '\(mapping.cohortPath)' seen: \(seen.joined(separator: ", ")). "
            + "List them in mapping.cohort.gray or mapping.cohort.normal."
    }
}
