/// Renders a report as JUnit XML, one test case per check, for the test reporters of GitLab, Jenkins and
/// GitHub Actions.
///
/// A failed check is a `<failure>`. A failed validity check (traffic split, input quality) is an
/// `<error>`, because the comparison itself could not be trusted. An inconclusive check is `<skipped>`. A warn
/// passes, with its reason in `<system-out>`, unless `failOnWarn` makes it a failure as `--fail-on warn`
/// does for the exit status. Every figure of a check is in the message, so a CI page shows the evidence.
public enum JUnitReportRenderer {
    public static func render(_ report: Report, failOnWarn: Bool = false) -> String {
        let cases = report.checks.map { testCase($0, failOnWarn: failOnWarn) }
        let failures = cases.filter { $0.kind == .failure }.count
        let errors = cases.filter { $0.kind == .error }.count
        let skipped = cases.filter { $0.kind == .skipped }.count
        let counts = "tests=\"\(cases.count)\" failures=\"\(failures)\" errors=\"\(errors)\""

        // The widely used junit-10.xsd allows `skipped` on <testsuite> only.
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites name=\"graygate\" \(counts) time=\"0\">\n"
        xml += "  <testsuite name=\"graygate analyze\" \(counts) skipped=\"\(skipped)\" time=\"0\">\n"
        xml += "    <properties>\n"
        xml += property("verdict", report.verdict.rawValue)
        xml += property("reason", report.reason)
        xml += property("graygate_version", report.toolVersion)
        xml += property("files", report.input.files.joined(separator: " "))
        xml += property("lines_read", String(report.input.linesRead))
        xml += "    </properties>\n"
        for testCase in cases {
            xml += testCase.xml
        }
        xml += "  </testsuite>\n"
        xml += "</testsuites>\n"
        return xml
    }

    private struct TestCase {
        enum Kind { case passed, failure, error, skipped }
        var kind: Kind
        var xml: String
    }

    private static func testCase(_ check: CheckResult, failOnWarn: Bool) -> TestCase {
        let isValidity = check.kind == .trafficSplit || check.kind == .inputQuality
        let open = "    <testcase classname=\"graygate.\(check.kind.rawValue)\" name=\"\(escape(check.id))\" time=\"0\">\n"
        let close = "    </testcase>\n"
        let message = escape(check.reason)
        let figures = escape(CheckText.figures(check))

        switch check.verdict {
        case .fail where isValidity:
            return TestCase(kind: .error, xml: open
                + "      <error message=\"\(message)\" type=\"invalid\">\(figures)</error>\n" + close)
        case .fail:
            let type = check.isCritical ? "fail" : "fail (non-critical)"
            return TestCase(kind: .failure, xml: open
                + "      <failure message=\"\(message)\" type=\"\(type)\">\(figures)</failure>\n" + close)
        case .warn where failOnWarn:
            return TestCase(kind: .failure, xml: open
                + "      <failure message=\"\(message)\" type=\"warn\">\(figures)</failure>\n" + close)
        case .inconclusive:
            return TestCase(kind: .skipped, xml: open + "      <skipped message=\"\(message)\"/>\n" + close)
        case .pass, .warn, .invalid:
            return TestCase(kind: .passed, xml: open
                + "      <system-out>\(message)\n\(figures)</system-out>\n" + close)
        }
    }

    private static func property(_ name: String, _ value: String) -> String {
        "      <property name=\"\(name)\" value=\"\(escape(value))\"/>\n"
    }

    /// Escapes text for XML content and attributes, dropping control characters XML 1.0 cannot carry.
    static func escape(_ text: String) -> String {
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&apos;"
            case "\n", "\t", "\r": escaped.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF:
                escaped += "\u{FFFD}"
            default:
                escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}
