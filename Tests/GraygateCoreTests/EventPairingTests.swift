import Foundation
import Testing

@testable import GraygateCore

/// Request and response event lines paired by id (`mapping.events`), read through `Analysis` and `WatchSession`.
@Suite("Event pairing")
struct EventPairingTests {
    static func configuration(maxPending: Int = 100) throws -> Configuration {
        try ConfigurationLoader.parse(Data("""
            {
              "mapping": {
                "events": {
                  "id": "id",
                  "type": {"path": "type", "request": ["req"], "response": ["resp"]},
                  "time": "t",
                  "max_pending": \(maxPending)
                },
                "cohort": {"path": "c"},
                "status": {"path": "code"},
                "error": {"path": null},
                "timestamp": {"path": "t"},
                "numeric_fields": [{"name": "score", "path": "data", "json": "score"}],
                "categorical_fields": [{"name": "label", "path": "data", "json": "label"}]
              }
            }
            """.utf8), source: "test")
    }

    /// Returns a request event line at `milliseconds` after 08:00:00 UTC.
    static func request(_ id: String, at milliseconds: Int, cohort: String? = "gray") -> String {
        let cohortField = cohort.map { #","c":"\#($0)""# } ?? ""
        return #"{"id":"\#(id)","type":"req","t":"\#(time(milliseconds))"\#(cohortField),"data":{"x":[1,2]}}"#
    }

    /// Returns a response event line at `milliseconds` after 08:00:00 UTC.
    static func response(_ id: String, at milliseconds: Int, cohort: String? = "gray", code: Int = 200,
                         score: Double = 0.5) -> String {
        let cohortField = cohort.map { #","c":"\#($0)""# } ?? ""
        return #"{"id":"\#(id)","type":"resp","t":"\#(time(milliseconds))"\#(cohortField),"code":\#(code),"#
            + #""data":{"score":\#(score),"label":"cat"}}"#
    }

    static func time(_ milliseconds: Int) -> String {
        String(format: "2026-12-04T08:%02d:%02d.%03dZ", milliseconds / 60_000, milliseconds / 1000 % 60, milliseconds % 1000)
    }

    /// The tolerance of a latency in milliseconds: each time is a Double of seconds since 1970, exact to about
    /// 0.24 µs, so a difference of two is exact to about 0.5 µs.
    static let latencyTolerance = 0.001

    static func analyze(_ lines: [String], configuration: Configuration, workers: Int = 1,
                        chunkSize: Int = 512 << 10) throws -> (report: Report, statistics: PipelineStatistics) {
        let directory = try TemporaryDirectory()
        let path = try directory.write(Array((lines.joined(separator: "\n") + "\n").utf8), named: "events.jsonl")
        return try analyze(path: path, configuration: configuration, workers: workers, chunkSize: chunkSize)
    }

    static func analyze(path: String, configuration: Configuration, workers: Int = 1,
                        chunkSize: Int = 512 << 10) throws -> (report: Report, statistics: PipelineStatistics) {
        var analysis = Analysis(configuration: configuration, workerCount: workers)
        analysis.chunkSize = chunkSize
        return try analysis.runMeasured(inputs: [path])
    }

    static func report(_ lines: [String], maxPending: Int = 100) throws -> Report {
        try analyze(lines, configuration: configuration(maxPending: maxPending)).report
    }

    // MARK: - Pairs

    @Test("in-order pair is one request")
    func inOrderPair() throws {
        let report = try Self.report([Self.request("a", at: 0), Self.response("a", at: 250)])
        let gray = try #require(report.cohort(.gray))
        #expect(gray.requests == 1)
        #expect(gray.latency.count == 1)
        #expect(abs((gray.latency.p50 ?? 0) - 250) < Self.latencyTolerance)
        #expect(gray.numericFields.first?.count == 1)
        #expect(gray.categoricalFields.first?.categories == ["cat": 1])
        #expect(report.input.acceptedLines == 2)
        #expect(report.input.events?.paired == 1)
        #expect(report.input.events?.unpairedRequests == 0)
        #expect(report.input.events?.unpairedResponses == 0)
    }

    @Test("response before its request still pairs")
    func outOfOrderPair() throws {
        let report = try Self.report([
            Self.response("b", at: 420), Self.request("a", at: 0), Self.request("b", at: 20), Self.response("a", at: 90),
        ])
        let gray = try #require(report.cohort(.gray))
        #expect(gray.requests == 2)
        #expect(abs((gray.latency.min ?? 0) - 90) < Self.latencyTolerance)
        #expect(abs((gray.latency.max ?? 0) - 400) < Self.latencyTolerance)
        #expect(report.input.events?.paired == 2)
        #expect(report.input.events?.unpairedResponses == 0)
    }

    @Test("epoch times in milliseconds")
    func epochTimes() throws {
        let lines = [
            #"{"id":7,"type":"req","t":1796371200000,"c":"normal"}"#,
            #"{"id":7,"type":"resp","t":1796371200125.5,"c":"normal","code":200}"#,
        ]
        let normal = try #require(Self.report(lines).cohort(.normal))
        #expect(normal.requests == 1)
        #expect(abs((normal.latency.p50 ?? 0) - 125.5) < Self.latencyTolerance)
    }

    @Test("response time before request time is invalid")
    func negativeLatency() throws {
        let gray = try #require(Self.report([Self.request("a", at: 500), Self.response("a", at: 100)]).cohort(.gray))
        #expect(gray.requests == 1)
        #expect(gray.latency.invalid == 1)
        #expect(gray.latency.count == 0)
    }

    @Test("response without cohort takes the request's")
    func cohortFromRequest() throws {
        let report = try Self.report([
            Self.request("a", at: 0, cohort: "normal"), Self.response("a", at: 30, cohort: nil),
            Self.response("b", at: 40, cohort: nil), Self.request("b", at: 10, cohort: "normal"),
            Self.request("c", at: 0, cohort: "normal"), Self.response("c", at: 30, cohort: "gray"),
        ])
        #expect(report.cohort(.normal)?.requests == 2)
        #expect(report.cohort(.gray)?.requests == 1)
        #expect(report.input.unassignedLines == 0)
    }

    @Test("data as a JSON string reads like data in place")
    func dataInsideString() throws {
        let inPlace = try Self.report([Self.request("a", at: 0), Self.response("a", at: 10, score: 0.25)])
        let encoded = try Self.report([
            Self.request("a", at: 0),
            #"{"id":"a","type":"resp","t":"\#(Self.time(10))","c":"gray","code":200,"data":"{\"score\":0.25,\"label\":\"cat\"}"}"#,
        ])
        #expect(encoded.cohorts == inPlace.cohorts)
        #expect(encoded.cohort(.gray)?.numericFields.first?.p50 == 0.25)
    }

    // MARK: - Unpaired events

    @Test("duplicate events are ignored")
    func duplicates() throws {
        let report = try Self.report([
            Self.request("a", at: 0), Self.request("a", at: 0), Self.response("b", at: 50), Self.response("b", at: 50),
            Self.response("a", at: 80), Self.request("b", at: 5),
        ])
        #expect(report.cohort(.gray)?.requests == 2)
        #expect(report.input.events?.paired == 2)
        #expect(report.input.events?.duplicates == 2)
        #expect(report.input.acceptedLines == 6)
    }

    @Test("events delivered again after their pair completed are ignored")
    func redeliveryAfterPair() throws {
        let report = try Self.report([
            Self.request("a", at: 0), Self.response("a", at: 80, code: 503), Self.response("a", at: 80, code: 503),
            Self.request("a", at: 0),
        ])
        #expect(report.cohort(.gray)?.requests == 1)
        #expect(report.cohort(.gray)?.errors == 1)
        #expect(report.input.events?.paired == 1)
        #expect(report.input.events?.duplicates == 2)
        #expect(report.input.events?.unpairedResponses == 0)
        #expect(report.input.events?.unpairedRequests == 0)
    }

    @Test("unpaired events at the end")
    func unpairedAtEnd() throws {
        let report = try Self.report([
            Self.request("a", at: 0), Self.response("a", at: 100), Self.request("lost", at: 200),
            Self.response("orphan", at: 300, code: 503),
        ])
        let gray = try #require(report.cohort(.gray))
        // The orphan response is a request without latency; the request without a response is no request.
        #expect(gray.requests == 2)
        #expect(gray.errors == 1)
        #expect(gray.latency.count == 1)
        #expect(gray.latency.missing == 1)
        #expect(report.input.events?.unpairedRequests == 1)
        #expect(report.input.events?.unpairedResponses == 1)
        #expect(report.input.events?.evicted == 0)
    }

    @Test("oldest event evicted at max_pending")
    func eviction() throws {
        let report = try Self.report([
            Self.request("a", at: 0), Self.request("b", at: 1), Self.request("c", at: 2),
            Self.response("b", at: 11), Self.response("c", at: 12), Self.response("a", at: 10),
        ], maxPending: 2)
        let events = try #require(report.input.events)
        // Request a is evicted when c arrives, so response a waits alone until the end.
        #expect(events.paired == 2)
        #expect(events.evicted == 1)
        #expect(events.unpairedRequests == 1)
        #expect(events.unpairedResponses == 1)
        #expect(events.maxPending == 2)
        #expect(report.cohort(.gray)?.requests == 3)
        #expect(report.cohort(.gray)?.latency.missing == 1)
    }

    @Test("evicted response counts as a request")
    func evictedResponse() throws {
        let report = try Self.report([
            Self.response("a", at: 10, code: 500), Self.request("b", at: 1), Self.request("a", at: 0), Self.response("b", at: 20),
        ], maxPending: 1)
        let events = try #require(report.input.events)
        // Each event evicts the one before it: response a (a request without latency), request b, request a.
        // Response b waits alone until the end.
        #expect(events.paired == 0)
        #expect(events.evicted == 3)
        #expect(events.unpairedResponses == 2)
        #expect(events.unpairedRequests == 2)
        #expect(report.cohort(.gray)?.requests == 2)
        #expect(report.cohort(.gray)?.errors == 1)
    }

    @Test("eviction keeps memory bounded over many events")
    func evictionAtScale() throws {
        var lines: [String] = []
        for index in 0..<5000 {
            lines.append(Self.request("r\(index)", at: index))
            if index % 10 != 0 { lines.append(Self.response("r\(index)", at: index + 40)) }
        }
        let events = try #require(Self.report(lines, maxPending: 16).input.events)
        #expect(events.paired == 4500)
        #expect(events.unpairedRequests == 500)
        // Each paired request waits for a moment too, so the full table keeps 15 lost requests, not 16.
        #expect(events.evicted == 500 - 15)
    }

    // MARK: - Accounting

    @Test("every line accounted for")
    func accounting() throws {
        let lines = [
            Self.request("a", at: 0), "", Self.response("a", at: 10), "not json",
            #"{"id":"f","type":"feedback","t":"\#(Self.time(5))"}"#,
            #"{"type":"req","t":"\#(Self.time(6))","c":"gray"}"#,
            #"{"type":"resp","t":"\#(Self.time(7))","c":"gray","code":200}"#,
            Self.request("b", at: 8), Self.request("b", at: 8), Self.response("c", at: 9), "[1]",
        ]
        let report = try Self.report(lines)
        let input = report.input
        let events = try #require(input.events)
        #expect(input.isReconciled)
        #expect(input.blankLines == 1)
        #expect(input.rejectedLines == 2)
        #expect(input.nonRequestLines == 1)
        #expect(events.paired == 1)
        #expect(events.duplicates == 1)
        #expect(events.unpairedRequests == 2)
        #expect(events.unpairedResponses == 2)
        #expect(input.acceptedLines == 2 * events.paired + events.unpairedRequests + events.unpairedResponses
            + events.duplicates + input.nonRequestLines)
        #expect(report.cohort(.gray)?.requests == events.paired + events.unpairedResponses)
    }

    @Test("text and JSON reports show the event counts")
    func rendered() throws {
        let report = try Self.report([Self.request("a", at: 0), Self.response("a", at: 10), Self.response("z", at: 20)])
        let text = TextReportRenderer(usesColor: false).render(report)
        #expect(text.contains("Events: 1 pair; 1 response event without a request, counted as requests without latency."))
        let json = try JSONValue(parsing: Data(JSONReportRenderer.render(report).utf8))
        #expect(json.at("input.events.paired").int == 1)
        #expect(json.at("input.events.unpaired_responses").int == 1)
        #expect(json.at("input.events.max_pending").int == 100)
        let plain = try JSONValue(parsing: Data(JSONReportRenderer.render(
            Analysis(configuration: Configuration()).run(inputs: [FixtureTests.fixtures.appendingPathComponent("healthy.jsonl.gz").path])).utf8))
        #expect(plain.at("input.events").isNull)
    }

    // MARK: - Threads and live input

    @Test("same report for 1 and 4 workers across chunks")
    func workersOverridden() throws {
        var lines: [String] = []
        for index in 0..<600 {
            let cohort = index % 3 == 0 ? "gray" : "normal"
            let pair = [Self.request("r\(index)", at: index * 7, cohort: cohort),
                        Self.response("r\(index)", at: index * 7 + 30 + index % 50, cohort: cohort)]
            lines += index % 4 == 0 ? pair.reversed() : pair
        }
        let configuration = try Self.configuration()
        let directory = try TemporaryDirectory()
        let path = try directory.write(Array((lines.joined(separator: "\n") + "\n").utf8), named: "events.jsonl")
        let one = try Self.analyze(path: path, configuration: configuration, workers: 1, chunkSize: 4096)
        let four = try Self.analyze(path: path, configuration: configuration, workers: 4, chunkSize: 4096)
        #expect(four.statistics.workers == 1)
        #expect(Analysis(configuration: configuration, workerCount: 4).parserThreadCount == 1)
        #expect(Analysis(configuration: Configuration(), workerCount: 4).parserThreadCount == 4)
        // Rendered, because a NaN inside a check makes equal reports compare unequal.
        #expect(JSONReportRenderer.render(one.report) == JSONReportRenderer.render(four.report))
        #expect(one.report.cohorts == four.report.cohorts)
        #expect(four.report.input.events?.paired == 600)
    }

    @Test("watch pairs events fed in pieces")
    func watchPairsLive() throws {
        var lines: [String] = []
        for index in 0..<300 {
            let cohort = index % 2 == 0 ? "gray" : "normal"
            let pair = [Self.request("w\(index)", at: index * 5, cohort: cohort),
                        Self.response("w\(index)", at: index * 5 + 20 + index % 30, cohort: cohort, code: index % 25 == 0 ? 500 : 200)]
            lines += index % 5 == 0 ? pair.reversed() : pair
        }
        lines.append(Self.request("never", at: 9000))
        let configuration = try Self.configuration()
        let analyzed = try Self.analyze(lines, configuration: configuration).report

        var settings = WatchSettings()
        settings.intervalSeconds = 1
        let session = WatchSession(configuration: configuration, settings: settings, inputName: "-", startSeconds: 0)
        let bytes = Array((lines.joined(separator: "\n") + "\n").utf8)
        var offset = 0
        var clock = 0.0
        var generator = Xoshiro256StarStar(seed: 11)
        var sawPending = false
        while offset < bytes.count {
            let length = min(bytes.count - offset, 1 + Int(generator.next() % 700))
            bytes.withUnsafeBytes { session.consume(UnsafeRawBufferPointer(rebasing: $0[offset..<(offset + length)]), at: clock) }
            offset += length
            clock += 0.1
            let look = session.look(at: clock)
            #expect(look.report.input.isReconciled)
            if (look.report.input.events?.pending ?? 0) > 0 { sawPending = true }
        }
        #expect(sawPending)
        #expect(session.look(at: clock).report.input.events?.pending == 1)
        session.finish(at: clock)
        let watched = session.look(at: clock).report
        #expect(watched.input.events == analyzed.input.events)
        #expect(watched.input.events?.unpairedRequests == 1)
        #expect(watched.input.acceptedLines == analyzed.input.acceptedLines)
        #expect(watched.cohorts == analyzed.cohorts)
    }

    // MARK: - Configuration

    @Test("configuration reads events")
    func configurationReadsEvents() throws {
        let events = try #require(try Self.configuration(maxPending: 7).mapping.events)
        #expect(events.idPath == FieldPath("id"))
        #expect(events.typePath == FieldPath("type"))
        #expect(events.requestTypes == ["req"])
        #expect(events.responseTypes == ["resp"])
        #expect(events.timePath == FieldPath("t"))
        #expect(events.maxPending == 7)
    }

    @Test("configuration problems in events", arguments: [
        (#"{"id": "id", "time": "t"}"#, "$.mapping.events.type"),
        (#"{"id": "id", "time": "t", "type": {"path": "type", "request": ["a"]}}"#, "$.mapping.events.type.response"),
        (#"{"id": "id", "time": "t", "type": {"path": "type", "request": ["a"], "response": ["a"]}}"#, "$.mapping.events.type"),
        (#"{"id": "id", "time": "t", "type": {"path": "type", "request": ["a"], "response": ["b"]}, "max_pending": 0}"#,
         "$.mapping.events.max_pending"),
        (#"{"id": "", "time": "t", "type": {"path": "type", "request": ["a"], "response": ["b"]}}"#, "$.mapping.events.id"),
        (#"{"id": "id", "time": "t", "type": {"path": "type", "request": ["a"], "response": ["b"]}, "max_pendng": 5}"#,
         "$.mapping.events.max_pendng"),
    ])
    func configurationProblems(events: String, path: String) {
        do {
            _ = try ConfigurationLoader.parse(Data(#"{"mapping": {"events": \#(events)}}"#.utf8), source: "test")
            Issue.record("expected a problem at \(path)")
        } catch let error as ConfigurationError {
            #expect(error.problems.map(\.path) == [path], "\(error.problems)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}
