import Foundation
import Testing

@testable import GraygateCore

/// The Grafana dashboard and the alerting rules in dashboards/: their queries name only metrics graygate
/// exports, the dashboard has the shape Grafana imports, and promtool accepts the rules and their tests.
@Suite("Dashboards and alerts")
struct DashboardTests {
    static let folder = ReferenceVectors.packageRoot.appendingPathComponent("dashboards")

    /// Metrics of other exporters that the alerting rules use: Prometheus's own scrape health, and the
    /// modification time node_exporter's textfile collector reports for each file.
    static let foreignRuleMetrics: Set<String> = ["up", "node_textfile_mtime_seconds"]

    /// Returns every series name PrometheusRenderer can write: each family, and the `_bucket`, `_sum` and
    /// `_count` series of histograms and summaries.
    static func exportedNames() throws -> Set<String> {
        var configuration = Configuration()
        configuration.checks.trafficSplit.expectedGrayShare = 0.2
        let report = try FixtureTests.analyze("drifted-model.jsonl.gz", configuration: configuration)
        let text = PrometheusRenderer.render(report, live: PrometheusRendererTests.live(window: report))

        var names: Set<String> = []
        for line in text.split(separator: "\n") where line.hasPrefix("# TYPE ") {
            let parts = line.split(separator: " ")
            let name = String(parts[2])
            names.insert(name)
            switch parts[3] {
            case "histogram": names.formUnion([name + "_bucket", name + "_sum", name + "_count"])
            case "summary": names.formUnion([name + "_sum", name + "_count"])
            default: break
            }
        }
        return names
    }

    static func dashboard() throws -> JSONValue {
        try JSONValue(parsing: Data(contentsOf: folder.appendingPathComponent("graygate.json")))
    }

    /// Returns the panels, with those nested in collapsed rows.
    static func panels(_ dashboard: JSONValue) -> [JSONValue] {
        dashboard["panels"].array.flatMap { [$0] + $0["panels"].array }
    }

    /// Returns the `expr` of every rule in a rules file, single-line or a YAML block scalar (`|` or `>`).
    static func ruleExpressions(_ yaml: String) -> [String] {
        let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var expressions: [String] = []
        var index = 0
        while index < lines.count {
            let line = lines[index]
            index += 1
            guard let range = line.range(of: "expr:"), line[..<range.lowerBound].allSatisfy(\.isWhitespace) else { continue }
            var value = line[range.upperBound...].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("|") || value.hasPrefix(">") {
                let indentation = line.prefix { $0 == " " }.count
                var block: [String] = []
                while index < lines.count && (lines[index].trimmingCharacters(in: .whitespaces).isEmpty
                    || lines[index].prefix { $0 == " " }.count > indentation) {
                    block.append(lines[index])
                    index += 1
                }
                value = block.joined(separator: "\n")
            } else if value.count >= 2, let first = value.first, first == "'" || first == "\"", value.last == first {
                value = String(value.dropFirst().dropLast())
            }
            expressions.append(value)
        }
        return expressions
    }

    // MARK: - Metric names

    @Test("tokenizer finds metric names", arguments: [
        (#"sum by (cohort) (rate(graygate_requests_total{job="$job"}[$__rate_interval]))"#, ["graygate_requests_total"]),
        (#"histogram_quantile(0.99, sum by (cohort, le) (rate(x_bucket{a="}"}[5m])))"#, ["x_bucket"]),
        (#"a_total / ignoring (cohort) group_left sum(b_total)"#, ["a_total", "b_total"]),
        (#"(time() - start_seconds > 300) unless on (job, instance) last_seconds"#, ["start_seconds", "last_seconds"]),
        (#"absent(build_info{job="graygate"}) or vector(0) * 1e-20"#, ["build_info"]),
        (#"clamp_min(p_value{instance=~"${instance}"}, 1e-20) offset 5m # a comment naming no_metric"#, ["p_value"]),
        (#"max without (instance) (m1) and bool m2"#, ["m1", "m2"]),
    ] as [(String, [String])])
    func tokenizer(expression: String, expected: [String]) {
        #expect(PromQLMetricNames.names(in: expression) == Set(expected))
    }

    @Test("unknown metric names are caught")
    func unknownNamesCaught() throws {
        let exported = try Self.exportedNames()
        let names = PromQLMetricNames.names(in: #"rate(graygate_request_total{cohort="gray"}[5m])"#)
        #expect(!names.isSubset(of: exported), "a misspelt family passed the check")
    }

    @Test("exported names include live families")
    func exportedNamesComplete() throws {
        let exported = try Self.exportedNames()
        for name in ["graygate_request_duration_seconds_bucket", "graygate_request_duration_quantile_seconds_count",
                     "graygate_last_line_timestamp_seconds", "graygate_window_error_ratio", "graygate_expected_gray_share",
                     "graygate_drift_score", "graygate_verdict"] {
            #expect(exported.contains(name), "\(name)")
        }
    }

    @Test("dashboard queries name exported metrics")
    func dashboardMetricNames() throws {
        let exported = try Self.exportedNames()
        let dashboard = try Self.dashboard()
        var used: Set<String> = []
        for panel in Self.panels(dashboard) {
            for target in panel["targets"].array {
                let expression = try #require(target["expr"].string, "\(panel["title"].string ?? "?"): a target without expr")
                let names = PromQLMetricNames.names(in: expression)
                let title = panel["title"].string ?? "?"
                let unknown = names.subtracting(exported).sorted()
                #expect(!names.isEmpty, "\(title): no metric in \(expression)")
                #expect(unknown.isEmpty, "\(title) names unknown metrics \(unknown) in \(expression)")
                used.formUnion(names)
            }
        }

        // The variables' label_values() queries name a metric too.
        for variable in dashboard["templating"]["list"].array where variable["type"].string == "query" {
            let query = variable["query"]["query"].string ?? variable["query"].string ?? ""
            let names = PromQLMetricNames.names(in: query.replacingOccurrences(of: "label_values(", with: "("))
            #expect(names.contains("graygate_build_info"), "\(variable["name"].string ?? "?"): \(query)")
            #expect(names.subtracting(exported.union(["job", "instance"])).isEmpty, "\(query)")
        }

        // Every panel the dashboard promises has its metric.
        for name in ["graygate_verdict", "graygate_check_state", "graygate_requests_total", "graygate_errors_total",
                     "graygate_gray_share", "graygate_expected_gray_share", "graygate_request_duration_seconds_bucket",
                     "graygate_request_duration_quantile_seconds", "graygate_drift_score", "graygate_check_adjusted_p_value",
                     "graygate_rejected_lines_total", "graygate_last_line_timestamp_seconds"] {
            #expect(used.contains(name), "no panel queries \(name)")
        }
    }

    @Test("alert rules name exported metrics")
    func ruleMetricNames() throws {
        let exported = try Self.exportedNames()
        let yaml = try String(contentsOf: Self.folder.appendingPathComponent("alerts.yml"), encoding: .utf8)
        let expressions = Self.ruleExpressions(yaml)
        let ruleCount = yaml.split(separator: "\n").filter { $0.trimmingCharacters(in: .whitespaces).hasPrefix("- alert:") }.count
        #expect(expressions.count == ruleCount, "an expr was not found: \(expressions)")
        #expect(ruleCount >= 4)

        for expression in expressions {
            let names = PromQLMetricNames.names(in: expression)
            #expect(!names.isEmpty, "no metric in \(expression)")
            let unknown = names.subtracting(exported).subtracting(Self.foreignRuleMetrics)
            #expect(unknown.isEmpty, "\(expression) names unknown metrics \(unknown.sorted())")
        }
    }

    // MARK: - Dashboard shape

    @Test("dashboard is importable")
    func dashboardShape() throws {
        let dashboard = try Self.dashboard()
        #expect((dashboard["schemaVersion"].int ?? 0) >= 39)
        #expect(dashboard["uid"].string == "graygate")
        #expect(dashboard["id"].isNull, "an exported dashboard has no database id")

        let variables = dashboard["templating"]["list"].array
        let datasource = variables.first { $0["name"].string == "datasource" }
        #expect(datasource?["type"].string == "datasource")
        #expect(datasource?["query"].string == "prometheus")
        for name in ["job", "instance"] {
            let variable = variables.first { $0["name"].string == name }
            #expect(variable?["type"].string == "query", "\(name)")
            #expect(variable?["datasource"]["uid"].string == "${datasource}", "\(name)")
        }

        let panels = Self.panels(dashboard)
        let ids = panels.compactMap { $0["id"].int }
        #expect(ids.count == panels.count, "a panel has no id")
        #expect(Set(ids).count == ids.count, "panel ids repeat")
        #expect(Set(panels.compactMap { $0["type"].string }).isSuperset(of: ["stat", "state-timeline", "timeseries"]))

        for panel in panels where panel["type"].string != "row" {
            let title = panel["title"].string ?? "?"
            #expect(panel["datasource"]["type"].string == "prometheus", "\(title)")
            #expect(panel["datasource"]["uid"].string == "${datasource}", "\(title)")
            #expect(!panel["targets"].array.isEmpty, "\(title) has no query")
            for target in panel["targets"].array {
                #expect(target["datasource"]["uid"].string == "${datasource}", "\(title)")
                #expect(target["refId"].string != nil, "\(title)")
            }
            #expect(!(panel["description"].string ?? "").isEmpty, "\(title) has no description")
        }
    }

    @Test("panels do not overlap")
    func panelLayout() throws {
        let panels = Self.panels(try Self.dashboard())
        var cells: [String: String] = [:]
        for panel in panels {
            let grid = panel["gridPos"]
            let title = panel["title"].string ?? "?"
            let (x, y, width, height) = (grid["x"].int ?? -1, grid["y"].int ?? -1, grid["w"].int ?? 0, grid["h"].int ?? 0)
            #expect(x >= 0, "\(title) has no grid x")
            #expect(y >= 0, "\(title) has no grid y")
            #expect(width > 0, "\(title) has no width")
            #expect(height > 0, "\(title) has no height")
            #expect(x + width <= 24, "\(title) is wider than the 24-column grid")
            for column in x..<max(x, x + width) {
                for row in y..<max(y, y + height) {
                    if let other = cells["\(column),\(row)"] {
                        Issue.record("\(title) overlaps \(other) at column \(column), row \(row)")
                    }
                    cells["\(column),\(row)"] = title
                }
            }
        }
    }

    // MARK: - promtool

    @Test("promtool accepts the rules", .enabled(if: Promtool.isAvailable, "\(Promtool.unavailableReason)"))
    func rulesCheck() throws {
        let result = try Promtool.run(["check", "rules", "alerts.yml"], directory: Self.folder)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("SUCCESS"), "\(result.output)")
    }

    @Test("alert unit tests pass", .enabled(if: Promtool.isAvailable, "\(Promtool.unavailableReason)"))
    func rulesUnitTests() throws {
        let result = try Promtool.run(["test", "rules", "alerts.test.yml"], directory: Self.folder)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("SUCCESS"), "\(result.output)")
    }

    /// promtool 2.42 has no command that only parses PromQL, so each dashboard query becomes a recording rule of a
    /// generated rules file, with the Grafana variables replaced by values a query would get.
    @Test("dashboard queries parse", .enabled(if: Promtool.isAvailable, "\(Promtool.unavailableReason)"))
    func dashboardQueriesParse() throws {
        var yaml = "groups:\n  - name: dashboard\n    rules:\n"
        var count = 0
        for panel in Self.panels(try Self.dashboard()) {
            for target in panel["targets"].array {
                let expression = (target["expr"].string ?? "")
                    .replacingOccurrences(of: "$__rate_interval", with: "1m")
                    .replacingOccurrences(of: "$job", with: "graygate")
                    .replacingOccurrences(of: "$instance", with: ".*")
                count += 1
                yaml += "      - record: dashboard:query_\(count)\n        expr: |\n"
                yaml += expression.split(separator: "\n").map { "          \($0)\n" }.joined()
            }
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("graygate-dashboard-\(getpid()).rules.yml")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(yaml.utf8).write(to: file)

        let result = try Promtool.run(["check", "rules", file.path])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("SUCCESS: \(count) rules found"), "\(result.output)")
    }
}
