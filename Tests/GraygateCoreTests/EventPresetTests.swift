import Foundation
import Testing

@testable import GraygateCore

/// The `kserve` and `seldon` presets on their fixtures, against the figures that
/// scripts/make-event-fixtures wrote from its own ground truth.
@Suite("Event presets")
struct EventPresetTests {
    static let fixtures = ReferenceVectors.packageRoot.appendingPathComponent("fixtures")

    static func analyze(_ preset: String, workers: Int = 1) throws -> Report {
        let configuration = try ConfigurationLoader.preset(named: preset)
        var analysis = Analysis(configuration: configuration, workerCount: workers)
        analysis.chunkSize = 64 << 10  // Several chunks, so pairs cross chunk boundaries.
        return try analysis.run(inputs: [fixtures.appendingPathComponent("presets/\(preset).jsonl").path])
    }

    static func oracle(_ preset: String) throws -> JSONValue {
        try JSONValue(parsing: Data(contentsOf: fixtures.appendingPathComponent("expected/presets/\(preset).json")))
    }

    @Test("preset figures equal the generator's", arguments: ["kserve", "seldon"])
    func figuresMatchOracle(preset: String) throws {
        let report = try Self.analyze(preset)
        let oracle = try Self.oracle(preset)
        let events = try #require(report.input.events)

        #expect(report.input.isReconciled)
        #expect(report.input.linesRead == oracle["lines_read"].int)
        #expect(report.input.acceptedLines == oracle["accepted_lines"].int)
        #expect(report.input.nonRequestLines == oracle["non_request_lines"].int)
        #expect(report.input.unassignedLines == 0)
        #expect(events.paired == oracle.at("events.paired").int)
        #expect(events.unpairedRequests == oracle.at("events.unpaired_requests").int)
        #expect(events.unpairedResponses == oracle.at("events.unpaired_responses").int)
        #expect(events.duplicates == oracle.at("events.duplicates").int)
        #expect(events.evicted == oracle.at("events.evicted").int)
        #expect(events.pending == 0)

        for cohort in Cohort.allCases {
            let figures = try #require(report.cohort(cohort))
            let expected = oracle.at("cohorts.\(cohort.rawValue)")
            #expect(figures.requests == expected["requests"].int, "\(cohort)")
            #expect(figures.errors == expected["errors"].int, "\(cohort)")
            #expect(figures.latency.count == expected["latency_count"].int, "\(cohort)")
            #expect(figures.latency.missing == expected["latency_missing"].int, "\(cohort)")
            #expect(figures.latency.invalid == 0, "\(cohort)")
            #expect(figures.latency.quantileMethod == "exact", "\(cohort)")
            for (name, value) in [("latency_p50_ms", figures.latency.p50), ("latency_p99_ms", figures.latency.p99)] {
                let reference = try #require(expected[name].double)
                let produced = try #require(value)
                #expect(abs(produced - reference) < EventPairingTests.latencyTolerance, "\(cohort) \(name): \(produced) vs \(reference)")
            }
        }
    }

    @Test("fixture holds the hard cases", arguments: ["kserve", "seldon"])
    func fixtureHasHardCases(preset: String) throws {
        let oracle = try Self.oracle(preset)
        #expect((oracle["out_of_order_pairs"].int ?? 0) > 0)
        #expect((oracle["data_as_string"].int ?? 0) > 0)
        #expect((oracle.at("events.unpaired_requests").int ?? 0) > 0)
        #expect((oracle.at("events.unpaired_responses").int ?? 0) > 0)
        #expect((oracle.at("events.duplicates").int ?? 0) > 0)
        #expect((oracle.at("cohorts.gray.errors").int ?? 0) > 0)
    }

    @Test("predictions read in place and from strings", arguments: ["kserve", "seldon"])
    func predictionsRead(preset: String) throws {
        let report = try Self.analyze(preset)
        for cohort in Cohort.allCases {
            let figures = try #require(report.cohort(cohort))
            let prediction = try #require(figures.numericFields.first)
            // Every response but the errors carries a prediction, whether `data` is an object or a string.
            #expect(prediction.count == figures.requests - figures.errors, "\(cohort)")
            #expect(prediction.invalid == 0, "\(cohort)")
        }
    }

    @Test("same report for 1 and 2 workers", arguments: ["kserve", "seldon"])
    func workersGiveSameReport(preset: String) throws {
        let one = try Self.analyze(preset, workers: 1)
        let two = try Self.analyze(preset, workers: 2)
        #expect(JSONReportRenderer.render(one) == JSONReportRenderer.render(two))
    }

    @Test("watch matches analyze on the fixture", arguments: ["kserve", "seldon"])
    func watchMatchesAnalyze(preset: String) throws {
        let configuration = try ConfigurationLoader.preset(named: preset)
        let bytes = try Array(Data(contentsOf: Self.fixtures.appendingPathComponent("presets/\(preset).jsonl")))
        var settings = WatchSettings()
        settings.intervalSeconds = 1
        let session = WatchSession(configuration: configuration, settings: settings, inputName: "-", startSeconds: 0)
        var generator = Xoshiro256StarStar(seed: 5)
        var offset = 0
        var clock = 0.0
        while offset < bytes.count {
            let length = min(bytes.count - offset, 1 + Int(generator.next() % 4000))
            bytes.withUnsafeBytes { session.consume(UnsafeRawBufferPointer(rebasing: $0[offset..<(offset + length)]), at: clock) }
            offset += length
            clock += 0.25
        }
        session.finish(at: clock)
        let watched = session.look(at: clock).report
        let analyzed = try Self.analyze(preset)
        #expect(watched.input.events == analyzed.input.events)
        #expect(watched.input.acceptedLines == analyzed.input.acceptedLines)
        #expect(watched.cohorts == analyzed.cohorts)
    }

    @Test("presets listed and loadable")
    func presetsListed() throws {
        #expect(Preset.named("kserve") != nil)
        #expect(Preset.named("seldon") != nil)
        #expect(try ConfigurationLoader.preset(named: "kserve").mapping.events?.idPath == FieldPath("id"))
        #expect(try ConfigurationLoader.preset(named: "seldon").mapping.events?.idPath == FieldPath("requestid"))
    }
}
