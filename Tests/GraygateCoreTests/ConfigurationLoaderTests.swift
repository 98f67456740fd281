import Foundation
import Testing

@testable import GraygateCore

@Suite("Configuration loader")
struct ConfigurationLoaderTests {
    private func parse(_ json: String) throws -> Configuration {
        try ConfigurationLoader.parse(Data(json.utf8), source: "test.json")
    }

    private func problems(_ json: String) -> [ConfigurationError.Problem] {
        do {
            _ = try parse(json)
            return []
        } catch let error as ConfigurationError {
            return error.problems
        } catch {
            return [ConfigurationError.Problem(path: "?", message: "\(error)")]
        }
    }

    @Test("empty object keeps the defaults")
    func emptyKeepsDefaults() throws {
        #expect(try parse("{}") == Configuration())
    }

    @Test("reads a full configuration")
    func readsFullConfiguration() throws {
        let configuration = try parse("""
            {
              "version": 1,
              "mapping": {
                "cohort": {"path": "route.subset", "gray": ["v2-canary"], "normal": ["v1-stable"]},
                "latency": {"path": "duration_s", "unit": "s"},
                "status": {"path": "http.status_code", "error_codes": ["5xx", 429, "430-431"]},
                "error": {"path": null},
                "numbers_in_strings": false,
                "numeric_fields": [{"name": "confidence", "path": "outputs.0.confidence", "range": [0, 1], "resolution": 0.01},
                                   {"name": "tokens", "path": "usage.tokens"}],
                "categorical_fields": [{"name": "label", "path": "outputs.0.label", "max_categories": 50}]
              },
              "checks": {
                "alpha": 0.01, "min_samples": 500, "max_rejected_share": 0.05,
                "latency": {"critical": false, "quantile_margins": {"p99": 0.2}, "shift_margin": 0.1},
                "error_rate": {"margin": 0.01},
                "numeric_drift": {"warn_psi": 0.2, "fail_psi": 0.3},
                "categorical_drift": {"enabled": false},
                "traffic_split": {"expected_gray_share": 0.05}
              },
              "input": {"max_line_bytes": 65536}
            }
            """)
        let mapping = configuration.mapping
        #expect(mapping.cohortPath.description == "route.subset")
        #expect(mapping.grayValues == ["v2-canary"])
        #expect(mapping.normalValues == ["v1-stable"])
        #expect(mapping.latencyUnit == .seconds)
        #expect(mapping.statusPath?.description == "http.status_code")
        #expect(mapping.errorStatuses == [500...599, 429...429, 430...431])
        #expect(mapping.errorPath == nil)
        #expect(mapping.numbersInStrings == false)
        #expect(mapping.numericFields.map(\.name) == ["confidence", "tokens"])
        #expect(mapping.numericFields[0].range == 0...1)
        #expect(mapping.numericFields[1].range == nil)
        #expect(mapping.categoricalFields[0].maxCategories == 50)

        let checks = configuration.checks
        #expect(checks.alpha == 0.01)
        #expect(checks.minimumSamples == 500)
        #expect(checks.maxRejectedShare == 0.05)
        #expect(checks.latency.isCritical == false)
        #expect(checks.latency.quantileMargins == [.p99: 0.2])
        #expect(checks.errorRate.margin == 0.01)
        #expect(checks.numericDrift.failThreshold == 0.3)
        #expect(checks.categoricalDrift.isEnabled == false)
        #expect(checks.trafficSplit.expectedGrayShare == 0.05)
        #expect(configuration.input.maxLineBytes == 65536)
    }

    @Test("misspelt key is reported with a suggestion")
    func misspeltKey() {
        let found = problems(#"{"mapping": {"lantency": {"path": "x"}}}"#)
        #expect(found.count == 1)
        #expect(found.first?.path == "$.mapping.lantency")
        #expect(found.first?.message.contains("did you mean 'latency'?") == true)
    }

    @Test("every problem is reported with its path")
    func everyProblem() {
        let found = problems("""
            {"mapping": {"latency": {"unit": "minutes"}, "cohort": {"gray": ["a"], "normal": ["a"]},
                         "numeric_fields": [{"name": "x"}]},
             "checks": {"alpha": 1.5, "min_samples": "many", "numeric_drift": {"warn_psi": 0.5, "fail_psi": 0.2}}}
            """)
        let paths = Set(found.map(\.path))
        #expect(paths.contains("$.mapping.latency.unit"))
        #expect(paths.contains("$.mapping.cohort"))
        #expect(paths.contains("$.mapping.numeric_fields[0].path"))
        #expect(paths.contains("$.checks.alpha"))
        #expect(paths.contains("$.checks.min_samples"))
        #expect(paths.contains("$.checks.numeric_drift"))
        #expect(found.count == 6)
    }

    @Test("input wrapper is read and checked")
    func inputWrapper() throws {
        #expect(try parse(#"{"input": {"wrapper": "cri"}}"#).input.wrapper == .cri)
        #expect(try parse(#"{"input": {"wrapper": "none"}}"#).input.wrapper == LogWrapper.none)

        let unknown = problems(#"{"input": {"wrapper": "crio"}}"#)
        #expect(unknown.count == 1)
        #expect(unknown.first?.path == "$.input.wrapper")
        #expect(unknown.first?.message == "unknown wrapper 'crio'; expected one of auto, none, cri, docker")

        let notString = problems(#"{"input": {"wrapper": true}}"#)
        #expect(notString.first?.path == "$.input.wrapper")
        #expect(notString.first?.message.hasPrefix("expected a string") == true)
    }

    @Test("invalid JSON is one problem at the root")
    func invalidJSON() {
        let found = problems("{\"mapping\": ")
        #expect(found.count == 1)
        #expect(found.first?.path == "$")
        #expect(found.first?.message.hasPrefix("not valid JSON") == true)
    }

    @Test("duplicate field names are rejected")
    func duplicateNames() {
        let found = problems(#"{"mapping": {"numeric_fields": [{"name": "score", "path": "a"}], "categorical_fields": [{"name": "score", "path": "b"}]}}"#)
        #expect(found.map(\.message).contains { $0.contains("used twice") })
    }

    @Test("nonsense status codes and no enabled check are problems")
    func nonsenseSettings() {
        let codes = problems(#"{"mapping": {"status": {"error_codes": [1200, -5, "600-1000"]}}}"#)
        #expect(codes.map(\.path) == ["$.mapping.status.error_codes[0]", "$.mapping.status.error_codes[1]", "$.mapping.status.error_codes[2]"])
        let disabled = problems(#"{"checks": {"latency": {"enabled": false}, "error_rate": {"enabled": false}, "numeric_drift": {"enabled": false}, "categorical_drift": {"enabled": false}}}"#)
        #expect(disabled.map(\.path) == ["$.checks"])
    }

    @Test("status ranges parse codes, ranges and classes")
    func statusRanges() {
        #expect(StatusRange.parse("5xx") == 500...599)
        #expect(StatusRange.parse("429") == 429...429)
        #expect(StatusRange.parse("500-504") == 500...504)
        #expect(StatusRange.parse("504-500") == nil)
        #expect(StatusRange.parse("abc") == nil)
    }
}

@Suite("Bundled configuration examples")
struct BundledConfigurationTests {
    static let fixtures = ReferenceVectors.packageRoot.appendingPathComponent("fixtures")

    @Test("defaults file states the built-in defaults")
    func defaultsFile() throws {
        let loaded = try ConfigurationLoader.load(path: Self.fixtures.appendingPathComponent("config.defaults.json").path)
        #expect(loaded == Configuration())
    }

    @Test("example configurations load", arguments: ["custom-shape.config.json", "broken-split.config.json"])
    func examplesLoad(file: String) throws {
        let loaded = try ConfigurationLoader.load(path: Self.fixtures.appendingPathComponent(file).path)
        #expect(loaded != Configuration())
    }
}

/// Limits on what a configuration file may make graygate read or allocate.
extension ConfigurationLoaderTests {
    @Test("field counts over the limit are reported", arguments: ["numeric_fields", "categorical_fields"])
    func tooManyFields(key: String) {
        let fields = (0...ConfigurationLoader.maxFieldsPerKind).map { #"{"name": "f\#($0)", "path": "f\#($0)"}"# }
        let found = problems(#"{"mapping": {"\#(key)": [\#(fields.joined(separator: ","))]}}"#)
        #expect(found.first?.path == "$.mapping.\(key)")
        #expect(found.first?.message == "lists 101 fields, more than the 100 allowed")

        let allowed = fields.dropLast().joined(separator: ",")
        #expect(problems(#"{"mapping": {"\#(key)": [\#(allowed)]}}"#).isEmpty)
    }

    @Test("oversized configuration file is rejected before reading")
    func oversizedFile() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("graygate-large-config-\(getpid()).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(repeating: 0x20, count: ConfigurationLoader.maxFileBytes + 1).write(to: url)

        let error = try #require(throws: ConfigurationError.self) { _ = try ConfigurationLoader.load(path: url.path) }
        #expect(error.problems.first?.message == "the file has 4194305 bytes, more than the 4 MiB a configuration may have")
    }
}
