/// Renders a report as metrics in the Prometheus text exposition format 0.0.4, for node_exporter's
/// textfile collector or a scrape endpoint.
///
/// Families are sorted by name, each with one `# HELP` and `# TYPE` line, and a family without samples is
/// left out. Units are base units: seconds, and ratios from 0 to 1. Cohorts, checks, fields and rejection
/// reasons are labels, and no request or user id ever becomes one. A figure that cannot be computed is left
/// out rather than written as NaN, so the only infinity in the output is the `le="+Inf"` bucket label.
/// docs/metrics.md lists every family.
public enum PrometheusRenderer {
    /// The HTTP `Content-Type` of the output.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// The states of `graygate_check_state`, in output order.
    static let checkStates: [Verdict] = [.pass, .warn, .fail, .inconclusive]

    /// Renders the report's metric families, and the live-only families when `live` is given.
    public static func render(_ report: Report, live: LiveMetrics? = nil) -> String {
        var output = ""
        for family in families(report, live: live) {
            family.write(into: &output)
        }
        return output
    }

    static func families(_ report: Report, live: LiveMetrics?) -> [MetricFamily] {
        var families = inputFamilies(report) + cohortFamilies(report) + checkFamilies(report)
        if let live {
            families += liveFamilies(live)
        }
        return families.filter { !$0.samples.isEmpty }.sorted { $0.name < $1.name }
    }

    // MARK: - Input

    private static func inputFamilies(_ report: Report) -> [MetricFamily] {
        var build = MetricFamily(name: "graygate_build_info", help: "Always 1; the version label is graygate's version.",
                                 kind: .gauge)
        build.add(1, labels: [.init("version", report.toolVersion)])

        let input = report.input
        var lines = MetricFamily(name: "graygate_lines_total",
                                 help: "Lines read, by outcome: accepted as a request, rejected, or blank.", kind: .counter)
        lines.add(input.acceptedLines, labels: [.init("outcome", "accepted")])
        lines.add(input.rejectedLines, labels: [.init("outcome", "rejected")])
        lines.add(input.blankLines, labels: [.init("outcome", "blank")])

        // Every reason has a series, zero when no line had it, so rate() and alerts see it from the start.
        var rejected = MetricFamily(name: "graygate_rejected_lines_total", help: "Rejected lines, by reason.", kind: .counter)
        let reasons = Set(RejectionReason.allCases.map(\.rawValue)).union(input.rejectedByReason.keys)
        for reason in reasons.sorted() {
            rejected.add(input.rejectedByReason[reason] ?? 0, labels: [.init("reason", reason)])
        }

        var bytes = MetricFamily(name: "graygate_input_bytes_total",
                                 help: "Bytes read from the inputs, compressed size for gzip.", kind: .counter)
        bytes.add(Double(input.bytesRead))
        return [build, lines, rejected, bytes]
    }

    // MARK: - Cohorts

    private static func cohortFamilies(_ report: Report) -> [MetricFamily] {
        var requests = MetricFamily(name: "graygate_requests_total", help: "Requests, by cohort.", kind: .counter)
        var errors = MetricFamily(name: "graygate_errors_total", help: "Requests that failed, by cohort.", kind: .counter)
        var errorRatio = MetricFamily(name: "graygate_error_ratio", help: "Share of requests that failed, by cohort.",
                                      kind: .gauge)
        var duration = MetricFamily(
            name: "graygate_request_duration_seconds",
            help: "Request latency in seconds, by cohort, counted at fixed bounds that are the same in every graygate.",
            kind: .histogram)
        var quantiles = MetricFamily(
            name: "graygate_request_duration_quantile_seconds",
            help: "Request latency quantiles in seconds, by cohort, as the report computes them (exact, or from a sketch).",
            kind: .summary)
        for cohort in report.cohorts {
            let label = MetricFamily.Label("cohort", cohort.cohort.rawValue)
            requests.add(cohort.requests, labels: [label])
            errors.add(cohort.errors, labels: [label])
            errorRatio.add(cohort.errorRate, labels: [label])
            addHistogram(cohort.latencyHistogram, labels: [label], to: &duration)
            addQuantiles(of: cohort, labels: [label], to: &quantiles)
        }

        var share = MetricFamily(name: "graygate_gray_share", help: "Share of cohort requests that went to gray.", kind: .gauge)
        share.add(report.traffic.grayShare)
        var expected = MetricFamily(name: "graygate_expected_gray_share",
                                    help: "Share of traffic the rollout routes to gray, as configured.", kind: .gauge)
        expected.add(report.traffic.expectedGrayShare)
        return [requests, errors, errorRatio, duration, quantiles, share, expected]
    }

    /// Adds the buckets, cumulative and ending with `+Inf`, then the sum and the count.
    private static func addHistogram(_ histogram: HistogramReport, labels: [MetricFamily.Label],
                                     to family: inout MetricFamily) {
        for (bound, count) in zip(histogram.upperBounds, histogram.cumulativeCounts) {
            family.add(count, labels: labels + [.init("le", MetricFamily.format(bound))], suffix: "_bucket")
        }
        family.add(histogram.count, labels: labels + [.init("le", "+Inf")], suffix: "_bucket")
        family.add(histogram.sum, labels: labels, suffix: "_sum")
        family.add(histogram.count, labels: labels, suffix: "_count")
    }

    /// Adds a cohort's p50 to p99 in seconds, leaving out those that are nil, then the sum and the count.
    private static func addQuantiles(of cohort: CohortReport, labels: [MetricFamily.Label],
                                     to family: inout MetricFamily) {
        for quantile in LatencyQuantile.allCases {
            let milliseconds = cohort.latency.quantile(quantile)
            family.add(milliseconds.map { $0 / 1000 },
                       labels: labels + [.init("quantile", MetricFamily.format(quantile.probability))])
        }
        family.add(cohort.latencyHistogram.sum, labels: labels, suffix: "_sum")
        family.add(cohort.latencyHistogram.count, labels: labels, suffix: "_count")
    }

    // MARK: - Checks and verdict

    private static func checkFamilies(_ report: Report) -> [MetricFamily] {
        var state = MetricFamily(
            name: "graygate_check_state",
            help: "1 for the state of each check (pass, warn, fail or inconclusive), 0 for the others.", kind: .gauge)
        var pValue = MetricFamily(name: "graygate_check_p_value", help: "The p-value of each check's test.", kind: .gauge)
        var adjusted = MetricFamily(name: "graygate_check_adjusted_p_value",
                                    help: "The p-value of each check after the Holm correction across the run's checks.",
                                    kind: .gauge)
        var effect = MetricFamily(
            name: "graygate_check_effect",
            help: "The effect each check judges, in its own unit: a relative change, a difference of shares, or a drift score.",
            kind: .gauge)
        var drift = MetricFamily(name: "graygate_drift_score",
                                 help: "Drift scores between the cohorts' distributions of each compared field.", kind: .gauge)

        for check in report.checks {
            let label = MetricFamily.Label("check", check.id)
            let current = displayedState(check.verdict)
            for candidate in checkStates {
                state.add(candidate == current ? 1 : 0, labels: [label, .init("state", candidate.rawValue)])
            }
            pValue.add(check.pValue, labels: [label])
            adjusted.add(check.adjustedPValue, labels: [label])
            effect.add(check.effect?.value, labels: [label])
            for (statistic, value) in driftScores(check) {
                drift.add(value, labels: [.init("field", String(check.id.dropFirst("drift.".count))),
                                          .init("statistic", statistic)])
            }
        }

        var verdict = MetricFamily(
            name: "graygate_verdict",
            help: "1 for the run's overall verdict (pass, warn, fail, inconclusive or invalid), 0 for the others.",
            kind: .gauge)
        for candidate in Verdict.allCases {
            verdict.add(candidate == report.verdict ? 1 : 0, labels: [.init("verdict", candidate.rawValue)])
        }
        return [state, pValue, adjusted, effect, drift, verdict]
    }

    /// Returns the state a check verdict shows as in `graygate_check_state`.
    ///
    /// A check has no invalid state: a failed validity check (traffic split, input quality) is a fail, and
    /// `graygate_verdict` shows the run as invalid. No check gives the verdict `invalid` today. Should one,
    /// it shows as fail, so an alert on failing checks still fires.
    static func displayedState(_ verdict: Verdict) -> Verdict {
        verdict == .invalid ? .fail : verdict
    }

    /// Returns a drift check's scores by statistic name: the effect (PSI or Jensen-Shannon distance) and the
    /// test statistic (KS or chi-square), and for numeric fields the Wasserstein distance. Other checks
    /// have none.
    static func driftScores(_ check: CheckResult) -> [(String, Double?)] {
        switch check.kind {
        case .numericDrift:
            return [("psi", check.effect?.value), ("ks_statistic", check.statistic),
                    ("wasserstein", check.details["wasserstein"] ?? nil)]
        case .categoricalDrift:
            return [("jensen_shannon_distance", check.effect?.value), ("chi_square", check.statistic)]
        case .latency, .errorRate, .trafficSplit, .inputQuality:
            return []
        }
    }

    // MARK: - Live

    private static func liveFamilies(_ live: LiveMetrics) -> [MetricFamily] {
        var start = MetricFamily(name: "graygate_start_time_seconds",
                                 help: "Unix time in seconds at which graygate started reading.", kind: .gauge)
        start.add(live.startTimeSeconds)
        var lastLine = MetricFamily(name: "graygate_last_line_timestamp_seconds",
                                    help: "Unix time in seconds at which the last line arrived.", kind: .gauge)
        lastLine.add(live.lastLineTimeSeconds)
        var interval = MetricFamily(name: "graygate_evaluation_interval_seconds",
                                    help: "Seconds between two evaluations of the report.", kind: .gauge)
        interval.add(live.intervalSeconds)
        var windowLength = MetricFamily(name: "graygate_window_seconds",
                                        help: "Length of the sliding window in seconds.", kind: .gauge)
        windowLength.add(live.windowSeconds)
        var families = [start, lastLine, interval, windowLength]

        guard let window = live.window else { return families }
        var requests = MetricFamily(name: "graygate_window_requests", help: "Requests in the sliding window, by cohort.",
                                    kind: .gauge)
        var errors = MetricFamily(name: "graygate_window_errors", help: "Failed requests in the sliding window, by cohort.",
                                  kind: .gauge)
        var errorRatio = MetricFamily(name: "graygate_window_error_ratio",
                                      help: "Share of requests in the sliding window that failed, by cohort.", kind: .gauge)
        var quantiles = MetricFamily(name: "graygate_window_request_duration_quantile_seconds",
                                     help: "Request latency quantiles in seconds in the sliding window, by cohort.",
                                     kind: .summary)
        for cohort in window.cohorts {
            let label = MetricFamily.Label("cohort", cohort.cohort.rawValue)
            requests.add(cohort.requests, labels: [label])
            errors.add(cohort.errors, labels: [label])
            errorRatio.add(cohort.errorRate, labels: [label])
            addQuantiles(of: cohort, labels: [label], to: &quantiles)
        }
        families += [requests, errors, errorRatio, quantiles]
        return families
    }
}
