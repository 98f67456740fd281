import Foundation

/// Renders a report for a person at a terminal: the verdict, the cohorts, the checks and the input totals.
public struct TextReportRenderer {
    /// Whether to color verdicts with ANSI escapes; the CLI enables it only for a terminal without NO_COLOR.
    public var usesColor: Bool

    public init(usesColor: Bool) {
        self.usesColor = usesColor
    }

    public func render(_ report: Report) -> String {
        var lines: [String] = []
        lines.append("graygate \(report.toolVersion): \(paint(report.verdict.rawValue.uppercased(), report.verdict))")
        lines.append(report.reason)
        lines.append("")

        lines.append(contentsOf: cohortTable(report))
        lines.append("")
        lines.append(contentsOf: checkTable(report))
        lines.append("")
        lines.append(contentsOf: inputSummary(report.input))
        for note in report.notes {
            lines.append("Note: \(note)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: - Sections

    private func cohortTable(_ report: Report) -> [String] {
        var rows = [["cohort", "requests", "share", "errors", "error rate", "p50 ms", "p90 ms", "p95 ms", "p99 ms", "max ms"]]
        let total = report.cohorts.reduce(0) { $0 + $1.requests }
        for cohort in report.cohorts {
            let latency = cohort.latency
            rows.append([
                cohort.cohort.rawValue,
                String(cohort.requests),
                // Against a stored baseline the two cohorts come from different periods: a share means nothing.
                total > 0 && report.baseline == nil ? NumberFormat.percent(Double(cohort.requests) / Double(total)) : "—",
                String(cohort.errors),
                NumberFormat.percent(cohort.errorRate),
                NumberFormat.significant(latency.p50, digits: 4),
                NumberFormat.significant(latency.p90, digits: 4),
                NumberFormat.significant(latency.p95, digits: 4),
                NumberFormat.significant(latency.p99, digits: 4),
                NumberFormat.significant(latency.max, digits: 4),
            ])
        }
        var lines = table(rows, rightAligned: Set(1...9))
        let methods = report.cohorts.map { cohort -> String in
            let latency = cohort.latency
            if latency.quantileMethod == "exact" { return "\(cohort.cohort.rawValue): exact" }
            return "\(cohort.cohort.rawValue): sketch, ±\(NumberFormat.percent(latency.relativeAccuracy))"
        }
        lines.append("Latency quantiles: " + methods.joined(separator: "; ") + ".")

        // Requests without a usable latency still count for traffic and errors, so the report lists how many there were.
        let unusable = report.cohorts.filter { $0.latency.missing + $0.latency.invalid > 0 }
        if !unusable.isEmpty {
            let counts = unusable.map { "\($0.cohort.rawValue) \($0.latency.missing) missing, \($0.latency.invalid) invalid" }
            lines.append("Requests without a usable latency: " + counts.joined(separator: "; ") + ".")
        }
        return lines
    }

    private func checkTable(_ report: Report) -> [String] {
        var rows = [["check", "verdict", "effect", "95% CI", "p (Holm)", "n gray/normal"]]
        for check in report.checks {
            rows.append([
                check.id + (check.isCritical ? "" : " (non-critical)"),
                check.verdict.rawValue,
                CheckText.effect(check),
                CheckText.interval(check),
                CheckText.pValue(check),
                CheckText.samples(check),
            ])
        }
        var lines = table(rows, rightAligned: [4, 5], colorColumn: 1)
        lines.append("")
        for check in report.checks {
            lines.append("\(check.id): \(check.reason)")
        }
        return lines
    }

    private func inputSummary(_ input: InputReport) -> [String] {
        var lines: [String] = []
        let files = input.files.count == 1 ? "1 input" : "\(input.files.count) inputs"
        lines.append("Input: \(files), \(plural(input.linesRead, "line")) read = \(input.acceptedLines) accepted + "
            + "\(input.rejectedLines) rejected + \(input.blankLines) blank"
            + (input.unassignedLines > 0 ? "; \(plural(input.unassignedLines, "accepted line")) matched no cohort" : "")
            + (input.nonRequestLines > 0 ? "; \(plural(input.nonRequestLines, "accepted line")) not a request" : "") + ".")
        if let range = input.timeRange {
            lines.append("Time range: \(NumberFormat.timestamp(range.lowerBound)) to \(NumberFormat.timestamp(range.upperBound)) "
                + "(\(NumberFormat.duration(range.upperBound - range.lowerBound))), by mapping.timestamp.")
        }
        if let events = input.events {
            lines.append(eventSummary(events))
        }
        if input.joinedPieces > 0 {
            lines.append("Joined \(plural(input.joinedPieces, "piece")) of split container log lines into their lines: "
                + "\(input.linesRead + input.joinedPieces) physical lines read.")
        }
        if !input.rejectedByReason.isEmpty {
            let reasons = input.rejectedByReason.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
            lines.append("Rejected by reason: " + reasons.joined(separator: ", ") + ".")
        }
        if !input.unassignedByValue.isEmpty {
            let values = input.unassignedByValue.sorted { $0.value > $1.value }.prefix(5).map { "'\($0.key)' \($0.value)" }
            lines.append("Unassigned cohort values: " + values.joined(separator: ", ") + ".")
        }
        for damage in input.damage {
            lines.append("Damaged input: \(damage.message)")
        }
        return lines
    }

    private func eventSummary(_ events: EventReport) -> String {
        var parts = ["\(plural(events.paired, "pair"))"]
        if events.unpairedRequests > 0 {
            parts.append("\(plural(events.unpairedRequests, "request event")) without a response, not counted as requests")
        }
        if events.unpairedResponses > 0 {
            parts.append("\(plural(events.unpairedResponses, "response event")) without a request, counted as requests without latency")
        }
        if events.duplicates > 0 {
            parts.append("\(plural(events.duplicates, "duplicate event")) ignored")
        }
        if events.evicted > 0 {
            parts.append("\(events.evicted) of the unpaired given up early at max_pending \(events.maxPending)")
        }
        if events.pending > 0 {
            parts.append("\(plural(events.pending, "event")) waiting for a partner")
        }
        return "Events: " + parts.joined(separator: "; ") + "."
    }

    // MARK: - Formatting

    private func plural(_ count: Int, _ noun: String) -> String {
        count == 1 ? "1 \(noun)" : "\(count) \(noun)s"
    }

    private func table(_ rows: [[String]], rightAligned: Set<Int>, colorColumn: Int? = nil) -> [String] {
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.enumerated().map { rowIndex, row in
            row.enumerated().map { column, cell in
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                var text = rightAligned.contains(column) ? padding + cell : cell + padding
                if column == colorColumn, rowIndex > 0, let verdict = Verdict(rawValue: cell) {
                    text = paint(text, verdict)
                }
                return text
            }
            .joined(separator: "  ")
            .trimmingTrailingSpaces()
        }
    }

    private func paint(_ text: String, _ verdict: Verdict) -> String {
        guard usesColor else { return text }
        let code: String
        switch verdict {
        case .pass: code = "32"
        case .warn: code = "33"
        case .fail: code = "31;1"
        case .inconclusive: code = "35"
        case .invalid: code = "31;7"
        }
        return "\u{1B}[\(code)m\(text)\u{1B}[0m"
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var text = self
        while text.hasSuffix(" ") { text.removeLast() }
        return text
    }
}
