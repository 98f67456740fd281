import Foundation
import Testing

@testable import GraygateCore

/// Feeds rendered metrics to `promtool check metrics`, which parses the text format and lints names, units,
/// types and help text. Any problem it lists fails the test.
@Suite("promtool check metrics", .enabled(if: Promtool.isAvailable, "\(Promtool.unavailableReason)"))
struct PrometheusPromtoolTests {
    static func check(_ text: String) throws -> Promtool.Result {
        try Promtool.run(["check", "metrics"], input: text)
    }

    @Test("fixture metrics pass promtool", arguments: [
        ("healthy.jsonl.gz", nil),
        ("latency-regression.jsonl.gz", nil),
        ("error-regression.jsonl.gz", nil),
        ("drifted-model.jsonl.gz", nil),
        ("too-few-gray.jsonl.gz", nil),
        ("broken-split.jsonl.gz", "broken-split.config.json"),
        ("bad-input.jsonl", nil),
        ("custom-shape.jsonl.gz", "custom-shape.config.json"),
    ] as [(String, String?)])
    func fixtureMetrics(file: String, config: String?) throws {
        let configuration = try config.map(FixtureTests.configuration) ?? Configuration()
        let report = try FixtureTests.analyze(file, configuration: configuration)

        let plain = try Self.check(PrometheusRenderer.render(report))
        #expect(plain.status == 0, "\(file): promtool exited with \(plain.status): \(plain.output)")
        #expect(plain.output.isEmpty, "\(file): promtool reported: \(plain.output)")

        let live = try Self.check(PrometheusRenderer.render(report, live: PrometheusRendererTests.live(window: report)))
        #expect(live.status == 0, "\(file) with live metrics: promtool exited with \(live.status): \(live.output)")
        #expect(live.output.isEmpty, "\(file) with live metrics: promtool reported: \(live.output)")
    }

    @Test("escaped label values pass promtool")
    func escapedLabels() throws {
        var report = try FixtureTests.analyze("drifted-model.jsonl.gz")
        let index = try #require(report.checks.firstIndex { $0.id == "drift.label" })
        report.checks[index].id = "drift.we\"ird\\field\nname\t\u{7F} ünïcode"
        report.input.rejectedByReason["quote \" and \\ backslash"] = 3

        let result = try Self.check(PrometheusRenderer.render(report))
        #expect(result.status == 0, "promtool exited with \(result.status): \(result.output)")
        #expect(result.output.isEmpty, "promtool reported: \(result.output)")
    }

    /// Proves the test can fail: promtool must reject a counter without `_total` and a sample without a value.
    @Test("promtool rejects broken metrics")
    func rejectsBrokenMetrics() throws {
        let badName = try Self.check("# HELP graygate_lines Lines.\n# TYPE graygate_lines counter\ngraygate_lines 1\n")
        #expect(badName.status != 0)
        #expect(badName.output.contains("_total"), "\(badName.output)")

        let badSample = try Self.check("# HELP graygate_x X.\n# TYPE graygate_x gauge\ngraygate_x{a=\"1\"}\n")
        #expect(badSample.status != 0, "\(badSample.output)")
    }
}
