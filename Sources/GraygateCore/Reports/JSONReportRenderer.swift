/// Renders a report as versioned JSON: the machine-readable form for CI gates and scripts.
public enum JSONReportRenderer {
    public static func render(_ report: Report, pretty: Bool = true) -> String {
        tree(report).serialized(pretty: pretty) + "\n"
    }

    static func tree(_ report: Report) -> JSONOutput {
        .object([
            ("schema_version", .integer(report.schemaVersion)),
            ("tool", .string(report.tool)),
            ("tool_version", .string(report.toolVersion)),
            ("verdict", .string(report.verdict.rawValue)),
            ("reason", .string(report.reason)),
            ("input", input(report.input)),
            ("traffic", .object([
                ("gray_share", .number(report.traffic.grayShare)),
                ("expected_gray_share", .number(report.traffic.expectedGrayShare)),
            ])),
            ("cohorts", .object(report.cohorts.map { ($0.cohort.rawValue, cohort($0)) })),
            ("checks", .array(report.checks.map(check))),
            ("notes", .array(report.notes.map { .string($0) })),
            ("baseline", .string(report.baseline)),
            ("settings", .object([
                ("alpha", .number(report.settings.alpha)),
                ("multiple_testing_correction", .string(report.settings.multipleTestingCorrection)),
                ("min_samples", .integer(report.settings.minimumSamples)),
                ("max_rejected_share", .number(report.settings.maxRejectedShare)),
            ])),
        ])
    }

    private static func input(_ input: InputReport) -> JSONOutput {
        .object([
            ("files", .array(input.files.map { .string($0) })),
            ("bytes_read", .integer(Int(clamping: input.bytesRead))),
            ("lines_read", .integer(input.linesRead)),
            ("accepted_lines", .integer(input.acceptedLines)),
            ("rejected_lines", .integer(input.rejectedLines)),
            ("blank_lines", .integer(input.blankLines)),
            ("joined_pieces", .integer(input.joinedPieces)),
            ("rejected_by_reason", counts(input.rejectedByReason)),
            ("rejected_examples", .array(input.rejectedExamples.map { example in
                .object([
                    ("file", .string(example.path)),
                    ("line", .integer(example.line)),
                    ("reason", .string(example.reason.rawValue)),
                    ("detail", .string(example.detail)),
                ])
            })),
            ("unassigned_lines", .integer(input.unassignedLines)),
            ("unassigned_by_value", counts(input.unassignedByValue)),
            ("non_request_lines", .integer(input.nonRequestLines)),
            ("time_range", input.timeRange.map { range in
                .object([("start", .string(NumberFormat.timestamp(range.lowerBound))),
                         ("end", .string(NumberFormat.timestamp(range.upperBound))),
                         ("seconds", .number(((range.upperBound - range.lowerBound) * 1e6).rounded() / 1e6))])
            } ?? .null),
            ("events", input.events.map { events in
                .object([
                    ("paired", .integer(events.paired)),
                    ("unpaired_requests", .integer(events.unpairedRequests)),
                    ("unpaired_responses", .integer(events.unpairedResponses)),
                    ("duplicates", .integer(events.duplicates)),
                    ("evicted", .integer(events.evicted)),
                    ("pending", .integer(events.pending)),
                    ("max_pending", .integer(events.maxPending)),
                ])
            } ?? .null),
            ("damage", .array(input.damage.map { damage in
                .object([("file", .string(damage.path)), ("kind", .string(damage.kind.rawValue)),
                         ("message", .string(damage.message))])
            })),
        ])
    }

    private static func cohort(_ cohort: CohortReport) -> JSONOutput {
        .object([
            ("requests", .integer(cohort.requests)),
            ("errors", .integer(cohort.errors)),
            ("error_rate", .number(cohort.errorRate)),
            ("error_signals", .object([
                ("status_missing", .integer(cohort.statusMissing)),
                ("status_invalid", .integer(cohort.statusInvalid)),
                ("error_field_missing", .integer(cohort.errorFieldMissing)),
            ])),
            ("latency_ms", distribution(cohort.latency)),
            ("latency_histogram", histogram(cohort.latencyHistogram)),
            ("numeric_fields", .object(cohort.numericFields.map { ($0.name, distribution($0)) })),
            ("categorical_fields", .object(cohort.categoricalFields.map { field in
                (field.name, .object([
                    ("count", .integer(field.count)),
                    ("missing", .integer(field.missing)),
                    ("other", .integer(field.other)),
                    ("categories", counts(field.categories)),
                ]))
            })),
        ])
    }

    private static func distribution(_ distribution: DistributionReport) -> JSONOutput {
        .object([
            ("count", .integer(distribution.count)),
            ("missing", .integer(distribution.missing)),
            ("invalid", .integer(distribution.invalid)),
            ("mean", .number(distribution.mean)),
            ("min", .number(distribution.min)),
            ("max", .number(distribution.max)),
            ("p50", .number(distribution.p50)),
            ("p90", .number(distribution.p90)),
            ("p95", .number(distribution.p95)),
            ("p99", .number(distribution.p99)),
            ("quantile_method", .string(distribution.quantileMethod)),
            ("relative_accuracy", .number(distribution.relativeAccuracy)),
        ])
    }

    /// Makes the `latency_histogram` object without the `+Inf` bucket, which equals `count`, because JSON has no
    /// infinity.
    private static func histogram(_ histogram: HistogramReport) -> JSONOutput {
        .object([
            ("upper_bounds_seconds", .array(histogram.upperBounds.map { .number($0) })),
            ("cumulative_counts", .array(histogram.cumulativeCounts.map { .integer($0) })),
            ("count", .integer(histogram.count)),
            ("sum_seconds", .number(histogram.sum)),
        ])
    }

    private static func check(_ check: CheckResult) -> JSONOutput {
        .object([
            ("id", .string(check.id)),
            ("kind", .string(check.kind.rawValue)),
            ("verdict", .string(check.verdict.rawValue)),
            ("critical", .bool(check.isCritical)),
            ("reason", .string(check.reason)),
            ("test", .string(check.test)),
            ("statistic", .number(check.statistic)),
            ("p_value", .number(check.pValue)),
            ("p_value_adjusted", .number(check.adjustedPValue)),
            ("log10_p_value", .number(check.log10PValue)),
            ("log10_p_value_adjusted", .number(check.adjustedLog10PValue)),
            ("effect", check.effect.map { effect in
                .object([("name", .string(effect.name)), ("value", .number(effect.value)), ("unit", .string(effect.unit))])
            } ?? .null),
            ("confidence_interval", check.confidenceInterval.map { interval in
                .object([
                    ("name", .string(interval.name)), ("lower", .number(interval.lower)),
                    ("upper", .number(interval.upper)), ("level", .number(interval.level)), ("unit", .string(interval.unit)),
                ])
            } ?? .null),
            ("threshold", check.threshold.map { threshold in
                .object([
                    ("warn", .number(threshold.warn)), ("fail", .number(threshold.fail)),
                    ("description", .string(threshold.description)),
                ])
            } ?? .null),
            ("samples", .object([("gray", .integer(check.samples.gray)), ("normal", .integer(check.samples.normal))])),
            ("details", .object(check.details.keys.sorted().map { ($0, .number(check.details[$0] ?? nil)) })),
            ("notes", .object(check.notes.keys.sorted().map { ($0, .string(check.notes[$0])) })),
        ])
    }

    private static func counts(_ counts: [String: Int]) -> JSONOutput {
        .object(counts.keys.sorted().map { ($0, .integer(counts[$0]!)) })  // Safe: keys come from the dictionary.
    }
}
