import Foundation
import Testing

@testable import GraygateCore

/// The pieces of the mapping language, one line at a time through `RecordMapper`, with configurations
/// written as a user writes them.
@Suite("Mapping language")
struct MappingLanguageTests {
    /// Parses `mapping` as the value of a configuration's `mapping` key.
    static func configuration(_ mapping: String) throws -> Configuration {
        try ConfigurationLoader.parse(Data(#"{"mapping": \#(mapping)}"#.utf8), source: "test.json")
    }

    /// Maps one line with the mapping `mapping`.
    static func record(_ line: String, _ mapping: String) throws -> Record {
        let configuration = try Self.configuration(mapping)
        var mapper = RecordMapper(mapping: configuration.mapping)
        var record = mapper.makeRecord()
        let bytes = Array(line.utf8)
        let outcome = bytes.withUnsafeBytes { mapper.read($0, into: &record) }
        #expect(outcome == .object, "\(line)")
        return record
    }

    /// Returns the text the first categorical field read from `line`, or nil when it was missing.
    static func category(_ line: String, _ field: String) throws -> String? {
        let record = try Self.record(line, #"{"categorical_fields": [\#(field)]}"#)
        switch record.categorical[0] {
        case .decoded(let bytes): return String(decoding: bytes, as: UTF8.self)
        case .span(let span): return String(decoding: Array(line.utf8)[span.start..<(span.start + span.count)], as: UTF8.self)
        case .missing: return nil
        }
    }

    /// Returns the latency read from `line` in milliseconds, or the reading when it is not a value.
    static func latency(_ line: String, _ mapping: String) throws -> NumericReading {
        try Self.record(line, mapping).latency
    }

    /// Returns the problems of a configuration that must not load.
    static func problems(_ mapping: String) -> [ConfigurationError.Problem] {
        do {
            _ = try configuration(mapping)
            return []
        } catch let error as ConfigurationError {
            return error.problems
        } catch {
            return [ConfigurationError.Problem(path: "?", message: "\(error)")]
        }
    }

    // MARK: - split and regex

    @Test("split takes a part by index", arguments: [
        (0, "outbound"), (1, "8080"), (2, "v2"), (3, "model.ml.svc"), (-1, "model.ml.svc"), (-4, "outbound"),
        (4, nil), (-5, nil),
    ] as [(Int, String?)])
    func splitIndex(index: Int, expected: String?) throws {
        let line = #"{"cluster": "outbound|8080|v2|model.ml.svc"}"#
        let field = #"{"name": "subset", "path": "cluster", "split": {"separator": "|", "index": \#(index)}}"#
        #expect(try Self.category(line, field) == expected)
    }

    @Test("split keeps empty parts and splits numbers as written")
    func splitEdges() throws {
        let inbound = #"{"cluster": "inbound|8080||"}"#
        #expect(try Self.category(inbound, #"{"name": "s", "path": "cluster", "split": {"separator": "|", "index": 2}}"#) == "")
        #expect(try Self.category(inbound, #"{"name": "s", "path": "cluster", "split": {"separator": "|", "index": 3}}"#) == "")
        let multi = #"{"route": "ml::canary::eu"}"#
        #expect(try Self.category(multi, #"{"name": "s", "path": "route", "split": {"separator": "::", "index": 1}}"#) == "canary")
        let number = #"{"version": 12.5}"#
        #expect(try Self.category(number, #"{"name": "s", "path": "version", "split": {"separator": ".", "index": 0}}"#) == "12")
        // A value that is not text has no parts.
        let object = #"{"cluster": {"name": "a|b"}}"#
        #expect(try Self.category(object, #"{"name": "s", "path": "cluster", "split": {"separator": "|", "index": 0}}"#) == nil)
    }

    @Test("split picks the cohort")
    func splitCohort() throws {
        let mapping = #"{"cohort": {"path": "c", "split": {"separator": "|", "index": 2}, "gray": ["v2"], "normal": ["v1"]}}"#
        #expect(try Self.record(#"{"c": "outbound|80|v2|svc"}"#, mapping).cohort == .gray)
        #expect(try Self.record(#"{"c": "outbound|80|v1|svc"}"#, mapping).cohort == .normal)
        let inbound = try Self.record(#"{"c": "inbound|80||"}"#, mapping)
        #expect(inbound.cohort == nil)
        #expect(inbound.unassignedValue == .decoded([]))
        let passthrough = try Self.record(#"{"c": "PassthroughCluster"}"#, mapping)
        #expect(passthrough.cohort == nil)
        #expect(passthrough.unassignedValue == .decoded(Array("(missing)".utf8)))
    }

    @Test("regex takes a capture group", arguments: [
        (#""regex": "model-(v\\d+)-(\\w+)""#, "v2"),
        (#""regex": "model-(v\\d+)-(\\w+)", "group": 2"#, "canary"),
        (#""regex": "model-(v\\d+)-(\\w+)", "group": 0"#, "model-v2-canary"),
        (#""regex": "v\\d+""#, "v2"),
        (#""regex": "^(canary|stable)$""#, nil),
        (#""regex": "(?<track>canary|stable)""#, "canary"),
    ] as [(String, String?)])
    func regexGroup(keys: String, expected: String?) throws {
        let line = #"{"pod": "model-v2-canary"}"#
        #expect(try Self.category(line, #"{"name": "r", "path": "pod", \#(keys)}"#) == expected)
    }

    @Test("invalid split and regex keys name their path")
    func invalidExtraction() {
        let cases: [(String, String, String)] = [
            (#"{"cohort": {"regex": "(unclosed"}}"#, "$.mapping.cohort.regex", "invalid regular expression '(unclosed'"),
            (#"{"categorical_fields": [{"name": "r", "path": "p", "regex": "(a)(b)", "group": 3}]}"#,
             "$.mapping.categorical_fields[0].group", "the pattern has 2 capture groups, so group 3 does not exist"),
            (#"{"latency": {"regex": "(\\d+)", "group": -1}}"#,
             "$.mapping.latency.group", "the pattern has 1 capture group, so group -1 does not exist"),
            (#"{"error": {"group": 1}}"#, "$.mapping.error.group", "group needs regex"),
            (#"{"cohort": {"split": {"separator": "|", "index": 1}, "regex": "x"}}"#, "$.mapping.cohort", "give split or regex, not both"),
            (#"{"cohort": {"split": {"separator": "", "index": 1}}}"#, "$.mapping.cohort.split.separator", "must not be empty"),
            (#"{"cohort": {"split": {"separator": "|"}}}"#, "$.mapping.cohort.split.index", "missing; this key is required"),
            (#"{"cohort": {"split": {"separator": "|", "index": 1.5}}}"#, "$.mapping.cohort.split.index", "expected a whole number, got 1.5"),
            (#"{"cohort": {"json": "a..b"}}"#, "$.mapping.cohort.json", "invalid field path 'a..b'; use dotted keys such as 'prediction.score'"),
        ]
        for (mapping, path, message) in cases {
            let problems = Self.problems(mapping)
            #expect(problems.map(\.path) == [path], "\(mapping)")
            #expect(problems.first?.message == message, "\(mapping)")
        }
    }

    // MARK: - JSON inside a string

    @Test("json reads a payload inside a string")
    func embeddedJSON() throws {
        let line = #"{"payload": "{\"prediction\": {\"label\": \"caf\\u00e9\", \"score\": 0.93}, \"route\": \"a|b|v2\"}"}"#
        #expect(try Self.category(line, #"{"name": "l", "path": "payload", "json": "prediction.label"}"#) == "café")
        #expect(try Self.category(line, #"{"name": "l", "path": "payload", "json": "route", "split": {"separator": "|", "index": -1}}"#) == "v2")
        #expect(try Self.category(line, #"{"name": "l", "path": "payload", "json": "prediction.missing"}"#) == nil)

        let record = try Self.record(line, #"{"numeric_fields": [{"name": "s", "path": "payload", "json": "prediction.score"}]}"#)
        #expect(record.numeric[0] == .value(0.93))
    }

    @Test("json on a string that is not an object is missing")
    func embeddedJSONNotObject() throws {
        #expect(try Self.category(#"{"payload": "not json"}"#, #"{"name": "l", "path": "payload", "json": "a"}"#) == nil)
        #expect(try Self.category(#"{"payload": "[1, 2]"}"#, #"{"name": "l", "path": "payload", "json": "a"}"#) == nil)
    }

    @Test("json reads a payload written in place as an object too")
    func embeddedJSONInPlace() throws {
        #expect(try Self.category(#"{"payload": {"a": "x"}}"#, #"{"name": "l", "path": "payload", "json": "a"}"#) == "x")
    }

    // MARK: - Durations and latency

    @Test("duration text in milliseconds", arguments: [
        ("1m30.5s", 90_500.0), ("536µs", 0.536), ("536μs", 0.536), ("536us", 0.536), ("100ns", 0.0001),
        ("270.6ms", 270.6), ("2.15s", 2150.0), ("1h", 3_600_000.0), ("1s500ms", 1500.0),
    ])
    func durationText(text: String, milliseconds: Double) {
        let parsed = Array(text.utf8).withUnsafeBytes { DurationText.milliseconds($0) }
        #expect(isClose(parsed, milliseconds), "\(text) read as \(String(describing: parsed))")
    }

    @Test("text that is not a duration", arguments: ["12", "", "ms", "5 ms", "-5ms", "1.2.3s", "5 days", "5d", "s5"])
    func notDurationText(text: String) {
        #expect(Array(text.utf8).withUnsafeBytes { DurationText.milliseconds($0) } == nil)
    }

    @Test("latency reads numbers in the unit and durations in theirs")
    func latencyUnits() throws {
        let seconds = #"{"latency": {"path": "t", "unit": "s"}}"#
        #expect(try Self.latency(#"{"t": 0.25}"#, seconds) == .value(250))
        #expect(try Self.latency(#"{"t": "0.25"}"#, seconds) == .value(250))
        #expect(try Self.latency(#"{"t": "270.6ms"}"#, seconds) == .value(270.6))
        #expect(try Self.latency(#"{"t": "536µs"}"#, seconds) == .value(0.536))
        #expect(try Self.latency(#"{"t": "fast"}"#, seconds) == .invalid)
        #expect(try Self.latency(#"{"t": -1}"#, seconds) == .invalid)
        #expect(try Self.latency(#"{"t": null}"#, seconds) == .missing)
        let microseconds = #"{"latency": {"path": "t", "unit": "µs"}}"#
        #expect(try Self.latency(#"{"t": 1500}"#, microseconds) == .value(1.5))
    }

    @Test("latency list adds the attempts")
    func latencyList() throws {
        let mapping = #"{"latency": {"path": "upstream_response_time", "unit": "s", "list_separator": ","}}"#
        let cases: [(String, NumericReading)] = [
            (#""0.001, 0.219""#, .value(220)),
            (#""0.219""#, .value(219)),
            ("0.219", .value(219)),
            (#""0.004, 0.010, 0.100""#, .value(114)),
            (#""-""#, .missing),
            (#""""#, .missing),
            ("null", .missing),
            // An attempt without a time leaves the total unknown.
            (#""0.002, -""#, .invalid),
            (#""0.1; 0.2""#, .invalid),
        ]
        for (value, expected) in cases {
            let reading = try Self.latency(#"{"upstream_response_time": \#(value)}"#, mapping)
            switch (reading, expected) {
            case (.value(let actual), .value(let milliseconds)):
                #expect(isClose(actual, milliseconds), "\(value) read as \(actual)")
            default:
                #expect(reading == expected, "\(value)")
            }
        }
    }

    @Test("latency between two timestamps")
    func latencyInterval() throws {
        let rfc3339 = #"{"latency": {"start": "start", "end": "end"}}"#
        let reading = try Self.latency(#"{"start": "2026-12-04T08:00:00.100Z", "end": "2026-12-04T09:00:01.350+01:00"}"#, rfc3339)
        #expect(reading == .value(1250))
        #expect(try Self.latency(#"{"start": "2026-12-04T08:00:02Z", "end": "2026-12-04T08:00:01Z"}"#, rfc3339) == .invalid)
        #expect(try Self.latency(#"{"start": "2026-12-04T08:00:02Z", "end": "yesterday"}"#, rfc3339) == .invalid)
        #expect(try Self.latency(#"{"start": "2026-12-04T08:00:02Z"}"#, rfc3339) == .missing)
        #expect(try Self.latency(#"{"start": "2026-12-04T08:00:02Z", "end": null}"#, rfc3339) == .missing)

        let epochSeconds = #"{"latency": {"start": "startTime", "end": "endTime"}, "timestamp": {"unit": "s"}}"#
        #expect(try Self.latency(#"{"startTime": 1796371200.25, "endTime": 1796371201.5}"#, epochSeconds) == .value(1250))
        #expect(try Self.latency(#"{"startTime": 1796371201.5, "endTime": 1796371200.25}"#, epochSeconds) == .invalid)
        // The automatic unit distinguishes milliseconds from seconds by magnitude.
        let automatic = #"{"latency": {"start": "a", "end": "b"}}"#
        #expect(try Self.latency(#"{"a": 1796371200000, "b": 1796371200250}"#, automatic) == .value(250))
    }

    @Test("latency interval needs both ends")
    func latencyIntervalHalf() {
        let problems = Self.problems(#"{"latency": {"start": "startTime"}}"#)
        #expect(problems.map(\.path) == ["$.mapping.latency"])
        #expect(problems.first?.message == "give both start and end to measure latency between two timestamps")
    }

    // MARK: - Cohort by presence

    @Test("non_empty gray", arguments: [
        (#""ml-canary-80""#, Cohort.gray), (#""""#, .normal), (#""-""#, .normal), ("null", .normal), ("0", .gray),
    ])
    func nonEmptyGray(value: String, expected: Cohort) throws {
        let mapping = #"{"cohort": {"path": "alt", "non_empty": "gray"}}"#
        #expect(try Self.record(#"{"alt": \#(value)}"#, mapping).cohort == expected)
    }

    @Test("non_empty normal and a missing field")
    func nonEmptyNormal() throws {
        let normal = #"{"cohort": {"path": "stable_pool", "non_empty": "normal"}}"#
        #expect(try Self.record(#"{"stable_pool": "pool-a"}"#, normal).cohort == .normal)
        #expect(try Self.record(#"{"stable_pool": ""}"#, normal).cohort == .gray)
        // A missing field counts as empty, so a misspelt path puts every line in one cohort.
        #expect(try Self.record(#"{"other": "x"}"#, normal).cohort == .gray)
        let problems = Self.problems(#"{"cohort": {"path": "a", "non_empty": "canary"}}"#)
        #expect(problems.map(\.path) == ["$.mapping.cohort.non_empty"])
        #expect(problems.first?.message == "expected 'gray' or 'normal', got 'canary'")
    }

    // MARK: - Errors and status

    @Test("not_errors values", arguments: [
        (#""-""#, false, true), (#""DC""#, false, true), (#""UF""#, true, true), (#""UF,URX""#, true, true),
        ("null", false, true), ("false", false, true), ("true", true, true), ("0", true, true),
    ])
    func notErrors(value: String, isError: Bool, hasErrorField: Bool) throws {
        let mapping = #"{"status": {"path": null}, "error": {"path": "response_flags", "not_errors": ["-", "DC"]}}"#
        let record = try Self.record(#"{"response_flags": \#(value)}"#, mapping)
        #expect(record.isError == isError)
        #expect(record.hasErrorField == hasErrorField)
    }

    @Test("not_errors with the field missing")
    func notErrorsMissing() throws {
        let mapping = #"{"status": {"path": null}, "error": {"path": "response_flags", "not_errors": ["-"]}}"#
        let record = try Self.record(#"{"duration": 5}"#, mapping)
        #expect(!record.isError)
        #expect(!record.hasErrorField)
    }

    @Test("status strings", arguments: [
        (#""503""#, NumericReading.value(503), true), (#""200""#, .value(200), false), (#""""#, .missing, false),
        (#""ok""#, .invalid, false), ("0", .value(0), false),
    ])
    func statusStrings(value: String, status: NumericReading, isError: Bool) throws {
        let mapping = #"{"status": {"path": "code", "error_codes": ["5xx"]}, "error": {"path": null}}"#
        let record = try Self.record(#"{"code": \#(value)}"#, mapping)
        #expect(record.status == status)
        #expect(record.isError == isError)
    }

    // MARK: - Request filter

    @Test("request filter sets lines aside")
    func requestFilter() throws {
        let lines = [
            #"{"level": "INFO", "message": "Connected"}"#,
            #"{"level": "INFO", "message": "Success", "span": {"name": "generate", "total_time": "1.5s"}, "cohort": "gray"}"#,
            #"{"level": "INFO", "message": "Success", "span": {"name": "health"}, "cohort": "gray"}"#,
            #"{"level": "ERROR", "message": "failed", "span": {"name": "generate_stream"}, "cohort": "normal"}"#,
            #"{"level": "INFO", "span": {"name": null}, "cohort": "normal"}"#,
            "",
            #"{"level": "INFO", "span": {"name": "generate", "total_time": "270.6ms"}, "cohort": "blue"}"#,
            "not json",
        ]
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("graygate-request-filter-\(getpid()).jsonl")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: url)

        let configuration = try Self.configuration("""
            {"request": {"path": "span.name", "values": ["generate", "generate_stream"]},
             "latency": {"path": "span.total_time"}, "status": {"path": null},
             "error": {"path": "level", "not_errors": ["INFO", "WARN"]}}
            """)
        let report = try Analysis(configuration: configuration).run(inputs: [url.path])
        #expect(report.input.linesRead == 8)
        #expect(report.input.nonRequestLines == 3)
        #expect(report.input.unassignedLines == 1)
        #expect(report.input.unassignedByValue == ["blue": 1])
        #expect(report.input.blankLines == 1)
        #expect(report.input.rejectedLines == 1)
        #expect(report.input.isReconciled)
        #expect(report.cohort(.gray)?.requests == 1)
        #expect(report.cohort(.gray)?.latency.mean == 1500)
        #expect(report.cohort(.normal)?.requests == 1)
        #expect(report.cohort(.normal)?.errors == 1)
        #expect(report.cohort(.normal)?.latency.missing == 1)

        let json = try JSONValue(parsing: Data(JSONReportRenderer.render(report).utf8))
        #expect(json.at("input.non_request_lines").int == 3)
    }

    @Test("request filter without values takes any non-null value")
    func requestFilterAnyValue() throws {
        let mapping = #"{"request": {"path": "request_id"}}"#
        #expect(try Self.record(#"{"request_id": "abc", "cohort": "gray"}"#, mapping).isRequest)
        #expect(try Self.record(#"{"request_id": 7, "cohort": "gray"}"#, mapping).isRequest)
        #expect(try !Self.record(#"{"request_id": null, "cohort": "gray"}"#, mapping).isRequest)
        #expect(try !Self.record(#"{"cohort": "gray"}"#, mapping).isRequest)
    }
}
