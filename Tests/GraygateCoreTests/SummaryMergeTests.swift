import Foundation
import Testing

@testable import GraygateCore

/// Shard summaries must merge into exactly the report of the whole log.
@Suite("Summary files")
struct SummaryMergeTests {
    static let directory: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("graygate-summaries-\(getpid())")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    /// A log with sketched cohorts (over the exact limit), errors, drift fields and some bad lines.
    static let lines: [String] = {
        var data = Data()
        try? simulate(SimulationParameters(seed: 77, requestCount: 24_000, grayShare: 0.4, latencyShift: 0.02), gzip: false) {
            data.append(contentsOf: $0)
        }
        var lines = String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
        for index in stride(from: 5, to: lines.count, by: 997) { lines[index] = "{broken line \(index)" }
        return lines
    }()

    static func write(_ lines: [String], name: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: url)
        return url.path
    }

    static func summarize(_ lines: [String], name: String, configuration: Configuration = Configuration()) throws -> String {
        let log = try write(lines, name: name + ".jsonl")
        let data = try Analysis(configuration: configuration, workerCount: 2).summaryFile(inputs: [log]).data
        let url = directory.appendingPathComponent(name + ".ggs")
        try data.write(to: url)
        return url.path
    }

    @Test("random shards merge into the whole-log report", arguments: [(2, 1), (3, 2), (7, 3), (10, 4), (10, 5)])
    func randomShards(shardCount: Int, seed: UInt64) throws {
        let whole = try Analysis(configuration: Configuration()).run(inputs: [try Self.write(Self.lines, name: "whole-\(seed).jsonl")])
        #expect(whole.cohort(.gray)?.latency.quantileMethod == "sketch")

        // Deal the lines to shards by a seeded generator, so each case splits the log differently.
        var state = seed &* 0x9E37_79B9_7F4A_7C15
        var shards = Array(repeating: [String](), count: shardCount)
        for line in Self.lines {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            shards[Int(state >> 33) % shardCount].append(line)
        }
        let summaries = try shards.enumerated().map { index, shard in
            try Self.summarize(shard, name: "shard-\(seed)-\(index)")
        }
        let merged = try Analysis(configuration: Configuration()).run(inputs: [], summaries: summaries)

        #expect(merged.cohorts == whole.cohorts)
        #expect(merged.checks == whole.checks)
        #expect(merged.verdict == whole.verdict)
        #expect(merged.input.linesRead == whole.input.linesRead)
        #expect(merged.input.acceptedLines == whole.input.acceptedLines)
        #expect(merged.input.rejectedByReason == whole.input.rejectedByReason)
        #expect(merged.input.blankLines == whole.input.blankLines)
    }

    @Test("summary of another mapping is rejected")
    func fingerprintMismatch() throws {
        let summary = try Self.summarize(Array(Self.lines.prefix(500)), name: "mapping-a")
        var other = Configuration()
        other.mapping.grayValues = ["canary"]
        #expect(throws: SummaryError.self) {
            _ = try Analysis(configuration: other).run(inputs: [], summaries: [summary])
        }
        #expect(SummaryFile.fingerprint(other) != SummaryFile.fingerprint(Configuration()))
    }

    @Test("damaged or foreign summaries are rejected",
          arguments: ["truncated", "not gzip", "edited", "bucket total", "histogram bounds", "version 1"])
    func damagedSummary(kind: String) throws {
        let summary = try Self.summarize(Array(Self.lines.prefix(500)), name: "damage-\(kind.replacingOccurrences(of: " ", with: "-"))")
        var data = try Data(contentsOf: URL(fileURLWithPath: summary))
        switch kind {
        case "truncated":
            data = data.prefix(data.count / 2)
        case "not gzip":
            data = Data(#"{"format": "graygate-summary"}"#.utf8)
        default:
            // A valid gzip stream around JSON whose counts break the accumulators' invariants.
            var json = Data()
            let inflater = try GzipInflater(path: summary)
            try data.withUnsafeBytes { bytes in try inflater.inflate(bytes) { json.append(contentsOf: $0) } }
            let text = String(decoding: json, as: UTF8.self)
            let edits = [
                "edited": ("\"requests\":", "\"requests\":-5"),
                "bucket total": ("\"total\":", "\"total\":7"),
                "histogram bounds": ("\"upper_bounds_ms\":[5,", "\"upper_bounds_ms\":[4,"),
                "version 1": ("\"version\":2", "\"version\":1"),
            ]
            let (target, replacement) = try #require(edits[kind])
            #expect(text.contains(target), "the summary has no \(target), so this case edits nothing")
            let edited = text.replacingOccurrences(of: target, with: replacement)
            var compressed = Data()
            let writer = try GzipWriter(level: 1)
            try Data(edited.utf8).withUnsafeBytes { bytes in try writer.write(bytes) { compressed.append(contentsOf: $0) } }
            try writer.finishMember { compressed.append(contentsOf: $0) }
            data = compressed
        }
        try data.write(to: URL(fileURLWithPath: summary))
        #expect(throws: SummaryError.self) {
            _ = try Analysis(configuration: Configuration()).run(inputs: [], summaries: [summary])
        }
    }

    @Test("baseline replaces the normal cohort")
    func baseline() throws {
        let lines = Self.lines
        let today = try Self.write(Array(lines.prefix(12_000)), name: "today.jsonl")
        let baseline = try Self.summarize(Array(lines.suffix(12_000)), name: "baseline")
        let report = try Analysis(configuration: Configuration()).run(inputs: [today], baseline: baseline)
        let stored = try Analysis(configuration: Configuration()).run(inputs: [try Self.write(Array(lines.suffix(12_000)), name: "past.jsonl")])
        let direct = try Analysis(configuration: Configuration()).run(inputs: [today])
        #expect(report.cohort(.normal) == stored.cohort(.normal))
        #expect(report.cohort(.gray) == direct.cohort(.gray))
        #expect(report.notes.contains { $0.hasPrefix("The normal cohort is the stored baseline") })
        #expect(report.check("traffic_split") == nil)
        #expect(report.baseline == baseline)
        let normalRow = TextReportRenderer(usesColor: false).render(report).split(separator: "\n").first { $0.hasPrefix("normal ") }
        #expect(normalRow?.split(separator: " ", omittingEmptySubsequences: true).dropFirst(2).first == "—")
    }

    @Test("sketch buckets off the grid are rejected")
    func bucketsOffGrid() throws {
        var sketch = NumericSketch(layout: SketchLayout(relativeAccuracy: 0.005))
        for value in [1.0, 10, 100, 1000] { sketch.add(value) }
        #expect(sketch.isConsistent())

        // Move the positive store's first bucket past where exp() stays finite, as an edited file could.
        let encoded = try JSONEncoder().encode(sketch)
        var object = try #require(try JSONSerialization.jsonObject(with: encoded) as? [String: Any])
        var positive = try #require(object["positive"] as? [String: Any])
        positive["offset"] = 100_000
        object["positive"] = positive
        let edited = try JSONDecoder().decode(NumericSketch.self, from: try JSONSerialization.data(withJSONObject: object))
        #expect(!edited.isConsistent())
    }
}
