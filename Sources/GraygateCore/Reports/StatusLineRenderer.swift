import Foundation

/// Renders one look of `graygate watch` as one compact line, for a terminal or a log collector.
///
/// Example:
///
///     [00:05:10] lines 62,118 (+2,004) | gray 6,204 err 0.52% p99 402 ms | normal 55,890 err 0.49% p99 398 ms
///     | latency pass, error_rate pass, drift.score pass | overall pass
///
/// With a window, each cohort also shows the window's error rate and p99 after a slash.
public enum StatusLineRenderer {
    public static func render(_ look: WatchLook, newLines: Int) -> String {
        let report = look.report
        var parts = ["[\(elapsed(look.elapsedSeconds))] lines \(grouped(report.input.linesRead)) (+\(grouped(newLines)))"]
        if report.input.rejectedLines > 0 {
            parts[0] += ", \(grouped(report.input.rejectedLines)) rejected"
        }
        for cohort in Cohort.allCases {
            guard let figures = report.cohort(cohort) else { continue }
            let window = look.window?.cohort(cohort)
            var text = "\(cohort.rawValue) \(grouped(figures.requests)) err \(rate(figures.errorRate))"
            if let window { text += "/\(rate(window.errorRate))" }
            text += " p99 \(milliseconds(figures.latency.p99))"
            if let window { text += "/\(milliseconds(window.latency.p99))" }
            parts.append(text)
        }
        if look.window != nil {
            parts[parts.count - 1] += " (total/window)"
        }
        let checks = report.checks.filter { $0.kind != .inputQuality || $0.verdict != .pass }
            .map { "\($0.id) \($0.verdict.rawValue)" }
        if !checks.isEmpty {
            parts.append(checks.joined(separator: ", "))
        }
        parts.append("overall \(report.verdict.rawValue)")
        return parts.joined(separator: " | ")
    }

    private static func elapsed(_ seconds: Double) -> String {
        let whole = max(0, Int(seconds))
        return String(format: "%02d:%02d:%02d", whole / 3600, whole / 60 % 60, whole % 60)
    }

    private static func grouped(_ value: Int) -> String {
        let digits = String(value)
        var result = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return result
    }

    private static func rate(_ value: Double?) -> String {
        guard let value else { return "-" }
        return String(format: "%.2f%%", value * 100)
    }

    private static func milliseconds(_ value: Double?) -> String {
        guard let value else { return "-" }
        return NumberFormat.significant(value) + " ms"
    }
}
