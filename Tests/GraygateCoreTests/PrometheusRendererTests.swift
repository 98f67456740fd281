import Foundation
import Testing

@testable import GraygateCore

/// One sample line of the Prometheus text format, parsed back for checks on rendered output.
struct ExpositionSample: Equatable {
    var name: String
    var labels: [String: String]
    var value: Double

    /// Parses every sample line of `text`, skipping `#` lines, and unescapes label values.
    static func parse(_ text: String) throws -> [ExpositionSample] {
        try text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { try parse(line: String($0)) }
    }

    struct SyntaxError: Error, CustomStringConvertible {
        var line: String
        var description: String { "not a sample line: \(line)" }
    }

    private static func parse(line: String) throws -> ExpositionSample {
        var characters = Array(line)[...]
        var name = ""
        while let next = characters.first, next != "{", next != " " {
            name.append(next)
            characters.removeFirst()
        }
        var labels: [String: String] = [:]
        if characters.first == "{" {
            characters.removeFirst()
            while characters.first != "}" {
                var label = ""
                while let next = characters.popFirst(), next != "=" { label.append(next) }
                guard characters.popFirst() == "\"" else { throw SyntaxError(line: line) }
                var value = ""
                while let next = characters.popFirst(), next != "\"" {
                    if next == "\\" {
                        switch characters.popFirst() {
                        case "n": value.append("\n")
                        case "\\": value.append("\\")
                        case "\"": value.append("\"")
                        default: throw SyntaxError(line: line)
                        }
                    } else {
                        value.append(next)
                    }
                }
                labels[label] = value
                if characters.first == "," { characters.removeFirst() }
                guard !characters.isEmpty else { throw SyntaxError(line: line) }
            }
            characters.removeFirst()
        }
        guard characters.popFirst() == " ", let value = Double(String(characters)) else { throw SyntaxError(line: line) }
        return ExpositionSample(name: name, labels: labels, value: value)
    }
}

@Suite("Prometheus renderer")
struct PrometheusRendererTests {
    static func report(_ fixture: String, configuration: Configuration = Configuration()) throws -> Report {
        try FixtureTests.analyze(fixture, configuration: configuration)
    }

    /// Returns the lines of one family's samples, without its HELP and TYPE lines.
    static func sampleLines(_ text: String, family: String) -> [String] {
        text.split(separator: "\n").map(String.init)
            .filter { !$0.hasPrefix("#") && ($0.hasPrefix(family + "{") || $0.hasPrefix(family + " ")) }
    }

    /// Makes a live state with a sliding window, as a long-running graygate passes it.
    static func live(window: Report?) -> LiveMetrics {
        LiveMetrics(startTimeSeconds: 1_780_000_000, lastLineTimeSeconds: 1_780_000_123.25, windowSeconds: 300,
                    window: window, intervalSeconds: 15)
    }

    // The expected counts of bad-input.jsonl were checked against a count by Python's json module.
    @Test("bad input renders exact lines")
    func badInputLines() throws {
        let text = PrometheusRenderer.render(try Self.report("bad-input.jsonl"))

        #expect(Self.sampleLines(text, family: "graygate_lines_total") == [
            #"graygate_lines_total{outcome="accepted"} 390"#,
            #"graygate_lines_total{outcome="rejected"} 10"#,
            #"graygate_lines_total{outcome="blank"} 3"#,
        ])
        #expect(Self.sampleLines(text, family: "graygate_rejected_lines_total") == [
            #"graygate_rejected_lines_total{reason="cut_by_damaged_input"} 0"#,
            #"graygate_rejected_lines_total{reason="invalid_json"} 8"#,
            #"graygate_rejected_lines_total{reason="invalid_wrapper"} 0"#,
            #"graygate_rejected_lines_total{reason="line_too_long"} 0"#,
            #"graygate_rejected_lines_total{reason="not_an_object"} 2"#,
            #"graygate_rejected_lines_total{reason="unfinished_line"} 0"#,
        ])
        #expect(Self.sampleLines(text, family: "graygate_requests_total") == [
            #"graygate_requests_total{cohort="gray"} 188"#,
            #"graygate_requests_total{cohort="normal"} 201"#,
        ])
        #expect(Self.sampleLines(text, family: "graygate_request_duration_seconds_bucket").prefix(14) == [
            #"graygate_request_duration_seconds_bucket{cohort="gray",le="0.005"} 0"#,
            #"graygate_request_duration_seconds_bucket{cohort="gray",le="0.01"} 0"#,
            #"graygate_request_duration_seconds_bucket{cohort="gray",le="0.025"} 0"#,
            #"graygate_request_duration_seconds_bucket{cohort="gray",le="0.05"} 0"#,
            #"graygate_request_duration_seconds_bucket{cohort="gray",le="0.1"} 39"#,
            #"graygate_request_duration_seconds_bucket{cohort="gray",le="0.25"} 164"#,
            #"graygate_request_duration_seconds_bucket{cohort="gray",le="0.5"} 186"#,
            #"graygate_request_duration_seconds_bucket{cohort="gray",le="1"} 187"#,
            #"graygate_request_duration_seconds_bucket{cohort="gray",le="2.5"} 187"#,
            #"graygate_request_duration_seconds_bucket{cohort="gray",le="5"} 187"#,
            #"graygate_request_duration_seconds_bucket{cohort="gray",le="10"} 187"#,
            #"graygate_request_duration_seconds_bucket{cohort="gray",le="30"} 187"#,
            #"graygate_request_duration_seconds_bucket{cohort="gray",le="60"} 187"#,
            #"graygate_request_duration_seconds_bucket{cohort="gray",le="+Inf"} 187"#,
        ])
        #expect(Self.sampleLines(text, family: "graygate_request_duration_seconds_count") == [
            #"graygate_request_duration_seconds_count{cohort="gray"} 187"#,
            #"graygate_request_duration_seconds_count{cohort="normal"} 201"#,
        ])
        #expect(Self.sampleLines(text, family: "graygate_check_state").suffix(4) == [
            #"graygate_check_state{check="input_quality",state="pass"} 0"#,
            #"graygate_check_state{check="input_quality",state="warn"} 0"#,
            #"graygate_check_state{check="input_quality",state="fail"} 1"#,
            #"graygate_check_state{check="input_quality",state="inconclusive"} 0"#,
        ])
        #expect(Self.sampleLines(text, family: "graygate_verdict") == [
            #"graygate_verdict{verdict="pass"} 0"#,
            #"graygate_verdict{verdict="warn"} 0"#,
            #"graygate_verdict{verdict="fail"} 0"#,
            #"graygate_verdict{verdict="inconclusive"} 0"#,
            #"graygate_verdict{verdict="invalid"} 1"#,
        ])
        #expect(text.hasPrefix("# HELP graygate_build_info Always 1; the version label is graygate's version.\n"
            + "# TYPE graygate_build_info gauge\ngraygate_build_info{version=\"\(GraygateVersion.current)\"} 1\n"))

        let samples = try ExpositionSample.parse(text)
        let sum = try #require(samples.first { $0.name == "graygate_request_duration_seconds_sum" && $0.labels["cohort"] == "gray" })
        #expect(abs(sum.value - 30.5816) < 1e-9)
    }

    @Test("histogram buckets are cumulative", arguments: [
        "healthy.jsonl.gz", "latency-regression.jsonl.gz", "drifted-model.jsonl.gz", "too-few-gray.jsonl.gz", "bad-input.jsonl",
    ])
    func cumulativeBuckets(file: String) throws {
        let report = try Self.report(file)
        let samples = try ExpositionSample.parse(PrometheusRenderer.render(report))
        for cohort in report.cohorts {
            let name = cohort.cohort.rawValue
            let buckets = samples.filter { $0.name == "graygate_request_duration_seconds_bucket" && $0.labels["cohort"] == name }
            #expect(buckets.map { $0.labels["le"] } == LatencyHistogram.upperBoundsSeconds.map { MetricFamily.format($0) } + ["+Inf"])
            #expect(buckets.map(\.value) == buckets.map(\.value).sorted(), "\(file) \(name): buckets decrease")

            let count = samples.first { $0.name == "graygate_request_duration_seconds_count" && $0.labels["cohort"] == name }
            #expect(count?.value == Double(cohort.latency.count), "\(file) \(name)")
            #expect(buckets.last?.value == Double(cohort.latency.count), "\(file) \(name)")
            #expect(cohort.latency.count == cohort.requests - cohort.latency.missing - cohort.latency.invalid)
        }
    }

    @Test("quantiles are in seconds")
    func quantilesInSeconds() throws {
        let report = try Self.report("healthy.jsonl.gz")
        let samples = try ExpositionSample.parse(PrometheusRenderer.render(report))
        let gray = try #require(report.cohort(.gray))
        for quantile in LatencyQuantile.allCases {
            let sample = samples.first {
                $0.name == "graygate_request_duration_quantile_seconds" && $0.labels["cohort"] == "gray"
                    && $0.labels["quantile"] == MetricFamily.format(quantile.probability)
            }
            #expect(sample?.value == gray.latency.quantile(quantile).map { $0 / 1000 }, "\(quantile)")
        }
    }

    @Test("drift scores by field and statistic")
    func driftScores() throws {
        let report = try Self.report("drifted-model.jsonl.gz")
        let samples = try ExpositionSample.parse(PrometheusRenderer.render(report))
        let scores = samples.filter { $0.name == "graygate_drift_score" }
        #expect(scores.map { "\($0.labels["field"] ?? "")/\($0.labels["statistic"] ?? "")" } == [
            "score/psi", "score/ks_statistic", "score/wasserstein", "label/jensen_shannon_distance", "label/chi_square",
        ])
        let score = try #require(report.check("drift.score"))
        #expect(scores[0].value == score.effect?.value)
        #expect(scores[1].value == score.statistic)
    }

    @Test("odd label values are escaped")
    func escapesLabelValues() throws {
        var report = try Self.report("drifted-model.jsonl.gz")
        let index = try #require(report.checks.firstIndex { $0.id == "drift.label" })
        report.checks[index].id = "drift.we\"ird\\field\nname"
        report.input.rejectedByReason["quote \" and \\ backslash"] = 3
        let text = PrometheusRenderer.render(report)

        #expect(text.contains(#"graygate_check_state{check="drift.we\"ird\\field\nname",state="warn"} 1"#))
        #expect(text.contains(#"graygate_drift_score{field="we\"ird\\field\nname",statistic="chi_square"} "#))
        #expect(text.contains(#"graygate_rejected_lines_total{reason="quote \" and \\ backslash"} 3"#))
        #expect(!text.contains("field\nname"), "a raw line feed splits the sample line")

        let parsed = try ExpositionSample.parse(text)
        #expect(parsed.contains { $0.labels["check"] == "drift.we\"ird\\field\nname" })
    }

    @Test("help text is escaped")
    func escapesHelp() {
        var family = MetricFamily(name: "graygate_example", help: "A \"quoted\" back\\slash\nand a second line.", kind: .gauge)
        family.add(1)
        var text = ""
        family.write(into: &text)
        #expect(text == "# HELP graygate_example A \"quoted\" back\\\\slash\\nand a second line.\n# TYPE graygate_example gauge\ngraygate_example 1\n")
    }

    @Test("numbers read back exactly", arguments: [
        0.0, 1, 60, 0.005, 0.1, 1e-05, 0.2899440000000001, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 123_456_789_012_345_680, -0.25,
    ])
    func numbersRoundTrip(value: Double) {
        let text = MetricFamily.format(value)
        #expect(Double(text) == value, "\(value) printed as \(text)")
        #expect(!text.contains("inf"))
        #expect(!text.contains("nan"))
    }

    @Test("missing figures are left out")
    func missingFiguresLeftOut() throws {
        var report = try Self.report("too-few-gray.jsonl.gz")
        report.cohorts[0].errorRate = .nan
        report.cohorts[0].latency.p99 = nil
        report.cohorts[0].latencyHistogram.sum = nil
        report.checks[0].pValue = .infinity
        report.traffic.grayShare = nil
        let text = PrometheusRenderer.render(report)

        #expect(!text.contains("NaN"))
        #expect(!text.replacingOccurrences(of: #"le="+Inf""#, with: "").contains("Inf"))
        for sample in try ExpositionSample.parse(text) {
            #expect(sample.value.isFinite, "\(sample.name) \(sample.labels)")
        }
        #expect(!text.contains(#"graygate_error_ratio{cohort="gray"}"#))
        #expect(!text.contains(#"graygate_request_duration_quantile_seconds{cohort="gray",quantile="0.99"}"#))
        #expect(text.contains(#"graygate_request_duration_quantile_seconds{cohort="gray",quantile="0.95"}"#))
        #expect(!text.contains(#"graygate_request_duration_seconds_sum{cohort="gray"}"#))
        #expect(!text.contains("graygate_gray_share"), "a family without samples has no HELP or TYPE line either")
        #expect(!text.contains("graygate_expected_gray_share"))
    }

    @Test("families are sorted with one HELP and TYPE", arguments: [false, true])
    func familiesSorted(live: Bool) throws {
        let report = try Self.report("drifted-model.jsonl.gz")
        let text = PrometheusRenderer.render(report, live: live ? Self.live(window: report) : nil)
        let help = text.split(separator: "\n").filter { $0.hasPrefix("# HELP ") }.map { $0.split(separator: " ")[2] }
        let types = text.split(separator: "\n").filter { $0.hasPrefix("# TYPE ") }.map { $0.split(separator: " ")[2] }
        #expect(help == types)
        #expect(help == help.sorted())
        #expect(Set(help).count == help.count)

        // Every sample belongs to the family announced last, so families never interleave.
        var current = ""
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# TYPE ") {
                current = String(line.split(separator: " ")[2])
            } else if !line.hasPrefix("#") {
                #expect(line.hasPrefix(current), "\(line) is outside its family \(current)")
            }
        }
        #expect(text.hasSuffix("\n"))
    }

    @Test("check states are a state set", arguments: Verdict.allCases)
    func checkStateSet(verdict: Verdict) throws {
        var report = try Self.report("healthy.jsonl.gz")
        report.checks[0].verdict = verdict
        let samples = try ExpositionSample.parse(PrometheusRenderer.render(report))
        let states = samples.filter { $0.name == "graygate_check_state" && $0.labels["check"] == report.checks[0].id }
        #expect(states.map { $0.labels["state"] } == ["pass", "warn", "fail", "inconclusive"])
        #expect(states.filter { $0.value == 1 }.map { $0.labels["state"] } == [verdict == .invalid ? "fail" : verdict.rawValue])
        #expect(states.map(\.value).reduce(0, +) == 1)
    }

    @Test("live families only with live metrics")
    func liveFamilies() throws {
        var configuration = Configuration()
        configuration.checks.trafficSplit.expectedGrayShare = 0.2
        let report = try Self.report("healthy.jsonl.gz", configuration: configuration)
        let window = try Self.report("too-few-gray.jsonl.gz")

        let plain = PrometheusRenderer.render(report)
        #expect(!plain.contains("graygate_start_time_seconds"))
        #expect(!plain.contains("graygate_window_"))
        #expect(plain.contains("\ngraygate_expected_gray_share 0.2\n"))

        let text = PrometheusRenderer.render(report, live: Self.live(window: window))
        #expect(text.contains("\ngraygate_start_time_seconds 1780000000\n"))
        #expect(text.contains("\ngraygate_last_line_timestamp_seconds 1780000123.25\n"))
        #expect(text.contains("\ngraygate_window_seconds 300\n"))
        #expect(text.contains("\ngraygate_evaluation_interval_seconds 15\n"))
        for cohort in window.cohorts {
            let name = cohort.cohort.rawValue
            #expect(text.contains("\ngraygate_window_requests{cohort=\"\(name)\"} \(cohort.requests)\n"))
            #expect(text.contains("\ngraygate_window_errors{cohort=\"\(name)\"} \(cohort.errors)\n"))
            #expect(text.contains("\ngraygate_window_request_duration_quantile_seconds_count{cohort=\"\(name)\"} \(cohort.latency.count)\n"))
        }
        #expect(text.contains(#"graygate_window_error_ratio{cohort="gray"}"#))

        let quiet = PrometheusRenderer.render(report, live: LiveMetrics(startTimeSeconds: 1_780_000_000, intervalSeconds: 15))
        #expect(quiet.contains("\ngraygate_start_time_seconds 1780000000\n"))
        #expect(!quiet.contains("graygate_last_line_timestamp_seconds"))
        #expect(!quiet.contains("graygate_window_"))
    }
}
