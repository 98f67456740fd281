import Foundation

/// Renders a report's failing and warning checks as GitHub Actions workflow commands (`::error::`,
/// `::warning::`), which the runner shows as annotations on the run and the pull request.
public enum GitHubAnnotationRenderer {
    public static func render(_ report: Report) -> String {
        var lines: [String] = []
        for check in report.checks {
            let command: String
            switch check.verdict {
            case .fail where check.isCritical: command = "error"
            case .fail, .warn: command = "warning"
            case .inconclusive where check.isCritical: command = "warning"
            default: continue
            }
            lines.append("::\(command) title=\(property("graygate \(check.id): \(check.verdict.rawValue)"))::\(data(check.reason))")
        }
        // Damage that leaves the verdict standing (a truncated file) is still worth a look on the run page.
        for damage in report.input.damage where damage.kind != .corrupt {
            lines.append("::warning title=\(property("graygate: damaged input"))::\(data(damage.message))")
        }
        if report.verdict == .invalid || lines.isEmpty && report.verdict != .pass {
            lines.append("::error title=\(property("graygate: \(report.verdict.rawValue)"))::\(data(report.reason))")
        }
        return lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n"
    }

    /// Escapes a message as workflow commands require: %, CR and LF.
    private static func data(_ text: String) -> String {
        text.replacingOccurrences(of: "%", with: "%25")
            .replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A")
    }

    /// Escapes a property value, which also may not contain an unescaped colon or comma.
    private static func property(_ text: String) -> String {
        data(text).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }
}
