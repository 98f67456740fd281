import Foundation
import Testing

@testable import GraygateCore

/// Each preset against its sample log in fixtures/presets/, whose expected figures
/// scripts/make-preset-fixtures computed from the requests it generated, not from the lines.
@Suite("Presets")
struct PresetTests {
    static let fixtures = ReferenceVectors.packageRoot.appendingPathComponent("fixtures")

    static func expected(_ name: String) throws -> JSONValue {
        try JSONValue(parsing: Data(contentsOf: fixtures.appendingPathComponent("expected/presets/\(name).json")))
    }

    static func path(_ name: String) -> String {
        fixtures.appendingPathComponent("presets/\(name)").path
    }

    /// Compares both cohorts' counts, error rates and latencies with the expected figures.
    static func compare(_ report: Report, _ cohorts: JSONValue, sourceLocation: SourceLocation = #_sourceLocation) throws {
        for cohort in Cohort.allCases {
            let figures = try #require(report.cohort(cohort), sourceLocation: sourceLocation)
            let expected = cohorts[cohort.rawValue]
            #expect(figures.requests == expected["requests"].int, "\(cohort) requests", sourceLocation: sourceLocation)
            #expect(figures.errors == expected["errors"].int, "\(cohort) errors", sourceLocation: sourceLocation)
            #expect(isClose(figures.errorRate, expected["error_rate"].double), "\(cohort) error rate", sourceLocation: sourceLocation)

            let latency = expected["latency_ms"]
            #expect(figures.latency.count == latency["n"].int, "\(cohort) latency count", sourceLocation: sourceLocation)
            #expect(figures.latency.missing == latency["missing"].int, "\(cohort) latency missing", sourceLocation: sourceLocation)
            #expect(figures.latency.invalid == 0, "\(cohort) invalid latencies", sourceLocation: sourceLocation)
            // Under 8192 values the quantiles are exact. The tolerance only absorbs the last bits of
            // decimal conversion: 0.219 s read as 219.00000000000003 ms, where the generator knew 219.
            #expect(figures.latency.quantileMethod == "exact", sourceLocation: sourceLocation)
            #expect(isClose(figures.latency.mean, latency["mean"].double), "\(cohort) mean", sourceLocation: sourceLocation)
            #expect(isClose(figures.latency.min, latency["min"].double), "\(cohort) min", sourceLocation: sourceLocation)
            #expect(isClose(figures.latency.max, latency["max"].double), "\(cohort) max", sourceLocation: sourceLocation)
            for quantile in LatencyQuantile.allCases {
                let actual = figures.latency.quantile(quantile)
                let expectedValue = latency[quantile.rawValue].double
                #expect(isClose(actual, expectedValue), "\(cohort) \(quantile.rawValue): \(String(describing: actual)) vs \(String(describing: expectedValue))",
                        sourceLocation: sourceLocation)
            }
        }
    }

    /// Checks the line accounting against the expected non-request and unassigned counts.
    static func compareInput(_ report: Report, _ expected: JSONValue, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(report.input.linesRead == expected["lines"].int, sourceLocation: sourceLocation)
        #expect(report.input.rejectedLines == 0, "\(report.input.rejectedExamples)", sourceLocation: sourceLocation)
        #expect(report.input.nonRequestLines == expected["non_request_lines"].int, sourceLocation: sourceLocation)
        #expect(report.input.unassignedLines == expected["unassigned_lines"].int, sourceLocation: sourceLocation)
        #expect(report.input.isReconciled, sourceLocation: sourceLocation)
        let requests = report.cohorts.map(\.requests).reduce(0, +)
        #expect(report.input.acceptedLines == requests + report.input.unassignedLines + report.input.nonRequestLines,
                sourceLocation: sourceLocation)
    }

    @Test("envoy sample log")
    func envoy() throws {
        let expected = try Self.expected("envoy")
        let report = try Analysis(configuration: ConfigurationLoader.preset(named: "envoy")).run(inputs: [Self.path("envoy.jsonl")])
        try Self.compare(report, expected["cohorts"])
        Self.compareInput(report, expected)
        // Inbound lines split to an empty subset; PassthroughCluster has no third part at all.
        #expect(report.input.unassignedByValue == ["": 40, "(missing)": 6])
        #expect(report.cohort(.gray)?.statusInvalid == 0)
        #expect(report.cohort(.normal)?.statusInvalid == 0)
    }

    @Test("ingress-nginx sample log")
    func ingressNginx() throws {
        let expected = try Self.expected("ingress-nginx")
        let report = try Analysis(configuration: ConfigurationLoader.preset(named: "ingress-nginx"))
            .run(inputs: [Self.path("ingress-nginx.jsonl")])
        try Self.compare(report, expected["cohorts"])
        Self.compareInput(report, expected)
    }

    @Test("ingress-nginx upstream time list")
    func ingressNginxUpstreamTime() throws {
        // The expected file carries the override it was computed for; apply it as a configuration file would.
        let expected = try Self.expected("ingress-nginx")
        let variant = expected["upstream_response_time"]
        let override = #"{"preset": "ingress-nginx", "mapping": {"latency": {"path": "upstream_response_time", "list_separator": ","}}}"#
        let configuration = try ConfigurationLoader.parse(Data(override.utf8), source: "test")
        #expect(configuration.preset == "ingress-nginx")
        #expect(configuration.mapping.latencyListSeparator == ",")
        #expect(variant.at("mapping.latency.path").string == "upstream_response_time")

        let report = try Analysis(configuration: configuration).run(inputs: [Self.path("ingress-nginx.jsonl")])
        try Self.compare(report, variant["cohorts"])
        Self.compareInput(report, expected)
    }

    @Test("litellm sample log with model overrides")
    func liteLLM() throws {
        let expected = try Self.expected("litellm")
        var configuration = try ConfigurationLoader.preset(named: "litellm")
        // The preset cannot know deployment names, so these play the part of --gray and --normal.
        configuration.mapping.grayValues = expected.at("cohort_values.gray").array.compactMap(\.string)
        configuration.mapping.normalValues = expected.at("cohort_values.normal").array.compactMap(\.string)
        let report = try Analysis(configuration: configuration).run(inputs: [Self.path("litellm.jsonl")])
        try Self.compare(report, expected["cohorts"])
        Self.compareInput(report, expected)
        // Successful calls log an empty error_code or no error_information: a missing status, not an invalid one.
        #expect(report.cohort(.gray)?.statusInvalid == 0)
        #expect(report.cohort(.normal)?.statusInvalid == 0)
        #expect(!report.notes.contains { $0.contains("not a whole number") }, "\(report.notes)")
        let finishReasons = try #require(report.cohort(.normal)?.categoricalFields.first { $0.name == "finish_reason" })
        #expect(Set(finishReasons.categories.keys) == ["stop", "length"])
    }

    @Test("litellm without overrides assigns nothing")
    func liteLLMWithoutOverrides() throws {
        let report = try Analysis(configuration: ConfigurationLoader.preset(named: "litellm")).run(inputs: [Self.path("litellm.jsonl")])
        #expect(report.cohort(.gray)?.requests == 0)
        #expect(report.input.unassignedLines == 480)
        #expect(report.input.unassignedByValue.keys.sorted() == ["vllm/llama-3.1-8b-v1", "vllm/llama-3.1-8b-v2"])
    }

    @Test("tgi sample logs by file")
    func textGenerationInference() throws {
        let expected = try Self.expected("tgi")
        var analysis = Analysis(configuration: try ConfigurationLoader.preset(named: "tgi"))
        analysis.inputCohorts = [0: .gray, 1: .normal]
        let report = try analysis.run(inputs: [Self.path("tgi-gray.jsonl"), Self.path("tgi-normal.jsonl")])
        try Self.compare(report, expected["cohorts"])
        Self.compareInput(report, expected)
        let queueTime = try #require(report.cohort(.gray)?.numericFields.first { $0.name == "queue_time_ms" })
        #expect(queueTime.invalid == 0)
        #expect(queueTime.count == expected.at("cohorts.gray.latency_ms.n").int)
    }

    @Test("preset configurations parse back", arguments: Preset.all.map(\.name))
    func presetParses(name: String) throws {
        let preset = try #require(Preset.named(name))
        var parsed = try ConfigurationLoader.parse(Data(preset.configuration.utf8), source: name)
        #expect(parsed.preset == nil)
        parsed.preset = name
        #expect(try ConfigurationLoader.preset(named: name) == parsed)
    }

    @Test("unknown preset lists the presets")
    func unknownPreset() throws {
        let error = try #require(throws: ConfigurationError.self) { try ConfigurationLoader.preset(named: "haproxy") }
        #expect(error.problems.count == 1)
        #expect(error.problems.first?.message == "unknown preset 'haproxy'; the presets are envoy, ingress-nginx, litellm, tgi, kserve, seldon")
    }

    @Test("file preset with an override key")
    func filePresetWithOverride() throws {
        let json = #"{"preset": "envoy", "mapping": {"cohort": {"gray": ["v3"]}, "latency": {"unit": "s"}}}"#
        let configuration = try ConfigurationLoader.parse(Data(json.utf8), source: "test")
        var expected = try ConfigurationLoader.preset(named: "envoy")
        expected.mapping.grayValues = ["v3"]
        expected.mapping.latencyUnit = .seconds
        #expect(configuration == expected)
        // Keys the file leaves alone keep the preset's values.
        #expect(configuration.mapping.cohortTransform == ValueTransform(extraction: .split(separator: "|", index: 2)))
        #expect(configuration.mapping.nonErrorValues == ["-", "DC"])
    }

    @Test("override keys replace preset rules", arguments: [
        // Listing values matches them, in place of ingress-nginx's presence rule.
        (#"{"preset": "ingress-nginx", "mapping": {"cohort": {"path": "proxy_upstream_name", "gray": ["ml-canary-80"]}}}"#,
         "cohortWhenNonEmpty", false),
        (#"{"preset": "ingress-nginx", "mapping": {"cohort": {"non_empty": null}}}"#, "cohortWhenNonEmpty", false),
        (#"{"preset": "ingress-nginx", "mapping": {"cohort": {"path": "canary_flag"}}}"#, "cohortWhenNonEmpty", true),
        // A latency path replaces LiteLLM's two timestamps, which would otherwise win.
        (#"{"preset": "litellm", "mapping": {"latency": {"path": "response_time", "unit": "s"}}}"#, "latencyInterval", false),
        (#"{"preset": "litellm", "mapping": {"latency": {"unit": "s"}}}"#, "latencyInterval", true),
        // A new cohort path reads its field as it is; new values alone keep Envoy's split.
        (#"{"preset": "envoy", "mapping": {"cohort": {"path": "version"}}}"#, "cohortTransform", false),
        (#"{"preset": "envoy", "mapping": {"cohort": {"gray": ["v3"]}}}"#, "cohortTransform", true),
    ])
    func overrideReplacesPresetRule(json: String, property: String, isKept: Bool) throws {
        let mapping = try ConfigurationLoader.parse(Data(json.utf8), source: "test").mapping
        switch property {
        case "cohortWhenNonEmpty": #expect((mapping.cohortWhenNonEmpty != nil) == isKept)
        case "latencyInterval": #expect((mapping.latencyInterval != nil) == isKept)
        default: #expect((mapping.cohortTransform != nil) == isKept)
        }
    }

    @Test("file with an unknown preset")
    func fileUnknownPreset() throws {
        let error = try #require(throws: ConfigurationError.self) {
            try ConfigurationLoader.parse(Data(#"{"preset": "nginx"}"#.utf8), source: "test")
        }
        #expect(error.problems.map(\.path) == ["$.preset"])
        #expect(error.problems.first?.message.contains("ingress-nginx") == true)
    }
}
