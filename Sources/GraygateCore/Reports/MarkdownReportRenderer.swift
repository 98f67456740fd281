/// Renders a report as GitHub-flavoured Markdown for a pull-request comment or `$GITHUB_STEP_SUMMARY`.
public enum MarkdownReportRenderer {
    public static func render(_ report: Report) -> String {
        var lines: [String] = []
        lines.append("### graygate: \(symbol(report.verdict)) \(report.verdict.rawValue.uppercased())")
        lines.append("")
        lines.append("> " + cell(report.reason))
        lines.append("")

        lines.append("| check | verdict | effect | 95% CI | p (Holm) | n gray/normal | reason |")
        lines.append("|---|---|---:|---|---:|---:|---|")
        for check in report.checks {
            let name = check.isCritical ? "`\(check.id)`" : "`\(check.id)` (non-critical)"
            lines.append("| \(name) | \(symbol(check.verdict)) \(check.verdict.rawValue) | \(cell(CheckText.effect(check))) | "
                + "\(cell(CheckText.interval(check))) | \(CheckText.pValue(check)) | \(CheckText.samples(check)) | \(cell(check.reason)) |")
        }

        lines.append("")
        lines.append("<details><summary>Cohorts and input</summary>")
        lines.append("")
        lines.append("| cohort | requests | errors | error rate | p50 ms | p95 ms | p99 ms |")
        lines.append("|---|---:|---:|---:|---:|---:|---:|")
        for cohort in report.cohorts {
            let latency = cohort.latency
            lines.append("| \(cohort.cohort.rawValue) | \(cohort.requests) | \(cohort.errors) | \(NumberFormat.percent(cohort.errorRate)) | "
                + "\(NumberFormat.significant(latency.p50, digits: 4)) | \(NumberFormat.significant(latency.p95, digits: 4)) | "
                + "\(NumberFormat.significant(latency.p99, digits: 4)) |")
        }
        lines.append("")
        let input = report.input
        lines.append("Lines read: \(input.linesRead) = \(input.acceptedLines) accepted + \(input.rejectedLines) rejected + "
            + "\(input.blankLines) blank.")
        if let events = input.events {
            lines.append("")
            lines.append("Events: \(events.paired) paired, \(events.unpairedRequests) requests without a response, "
                + "\(events.unpairedResponses) responses without a request (counted without latency), "
                + "\(events.duplicates) duplicates, \(events.evicted) evicted at max_pending \(events.maxPending).")
        }
        for note in report.notes {
            lines.append("")
            lines.append("Note: \(cell(note))")
        }
        lines.append("")
        lines.append("</details>")
        return lines.joined(separator: "\n") + "\n"
    }

    private static func symbol(_ verdict: Verdict) -> String {
        switch verdict {
        case .pass: return "✅"
        case .warn: return "⚠️"
        case .fail: return "❌"
        case .inconclusive: return "❔"
        case .invalid: return "⛔"
        }
    }

    /// Makes text safe inside a table cell: pipes escaped, line breaks flattened.
    private static func cell(_ text: String) -> String {
        var cleaned = ""
        for character in text {
            switch character {
            case "|": cleaned += "\\|"
            case "\n", "\r": cleaned += " "
            default: cleaned.append(character)
            }
        }
        return cleaned
    }
}
