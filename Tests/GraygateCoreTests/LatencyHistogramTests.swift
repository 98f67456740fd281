import Foundation
import Testing

@testable import GraygateCore

@Suite("Latency histogram")
struct LatencyHistogramTests {
    /// Writes `lines` to a temporary log and analyzes it with `configuration`.
    static func analyze(_ lines: [String], name: String, configuration: Configuration = Configuration()) throws -> Report {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("graygate-histogram-\(getpid())-\(name).jsonl")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: url)
        return try Analysis(configuration: configuration, workerCount: 1).run(inputs: [url.path])
    }

    @Test("bounds are the documented seconds")
    func bounds() {
        #expect(LatencyHistogram.upperBoundsSeconds == [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60])
    }

    @Test("bound value counts in its bucket")
    func boundIsInclusive() {
        var histogram = LatencyHistogram()
        for milliseconds in [0, 5, 5.000001, 10, 1_000, 60_000, 60_000.5, 1e9] {
            histogram.record(milliseconds)
        }
        #expect(histogram.counts == [2, 2, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 2])
        #expect(histogram.cumulativeCounts == [2, 4, 4, 4, 4, 4, 4, 5, 5, 5, 5, 5, 6, 8])
        #expect(histogram.count == 8)
    }

    @Test("merge equals one recording")
    func mergeAddsCounts() {
        let values: [Double] = [1, 7, 30, 99, 100, 101, 400, 2_000, 7_500, 45_000, 90_000]
        var whole = LatencyHistogram()
        var first = LatencyHistogram()
        var second = LatencyHistogram()
        for (index, value) in values.enumerated() {
            whole.record(value)
            if index % 3 == 0 { first.record(value) } else { second.record(value) }
        }
        first.merge(second)
        #expect(first == whole)
    }

    @Test("decoded histogram is checked", arguments: [
        (#"{"upper_bounds_ms":[5,10,25,50,100,250,500,1000,2500,5000,10000,30000,60000],"counts":[1,0,0,0,0,0,0,0,0,0,0,0,0,2]}"#, 3, true),
        (#"{"upper_bounds_ms":[5,10,25,50,100,250,500,1000,2500,5000,10000,30000,60000],"counts":[1,0,0,0,0,0,0,0,0,0,0,0,0,2]}"#, 4, false),
        (#"{"upper_bounds_ms":[5,10,25,50,100,250,500,1000,2500,5000,10000,30000,60000],"counts":[4,0,0,0,0,0,0,0,0,0,0,0,0,-1]}"#, 3, false),
        (#"{"upper_bounds_ms":[5,10,25,50,100,250,500,1000,2500,5000,10000,30000,60000],"counts":[3]}"#, 3, false),
        (#"{"upper_bounds_ms":[4,10,25,50,100,250,500,1000,2500,5000,10000,30000,60000],"counts":[1,0,0,0,0,0,0,0,0,0,0,0,0,2]}"#, 3, false),
        (#"{"upper_bounds_ms":[5,10,25,50,100,250,500,1000,2500,5000,10000,30000,60000],"counts":[9223372036854775807,0,0,0,0,0,0,0,0,0,0,0,0,9223372036854775807]}"#, -2, false),
    ])
    func decodedHistogramChecked(json: String, count: Int, isConsistent: Bool) throws {
        let histogram = try JSONDecoder().decode(LatencyHistogram.self, from: Data(json.utf8))
        #expect(histogram.isConsistent(count: count) == isConsistent)
    }

    @Test("report histogram from a log")
    func reportHistogram() throws {
        var lines: [String] = []
        for (index, seconds) in [0.005, 0.005, 0.0051, 0.25, 1, 59.9, 60, 61, 300].enumerated() {
            lines.append(#"{"cohort":"gray","latency_s":\#(seconds),"status":200,"request":\#(index)}"#)
        }
        lines.append(#"{"cohort":"gray","status":200}"#)
        lines.append(#"{"cohort":"normal","latency_s":0.02,"status":200}"#)
        var configuration = Configuration()
        configuration.mapping.latencyPath = try #require(FieldPath("latency_s"))
        configuration.mapping.latencyUnit = .seconds

        let report = try Self.analyze(lines, name: "seconds", configuration: configuration)
        let gray = try #require(report.cohort(.gray)?.latencyHistogram)
        #expect(gray.upperBounds == LatencyHistogram.upperBoundsSeconds)
        #expect(gray.cumulativeCounts == [2, 3, 3, 3, 3, 4, 4, 5, 5, 5, 5, 5, 7])
        #expect(gray.count == 9)
        let sum = try #require(gray.sum)
        #expect(abs(sum - 482.1651) < 1e-9)

        let normal = try #require(report.cohort(.normal)?.latencyHistogram)
        #expect(normal.cumulativeCounts == [0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1])
        #expect(normal.count == 1)
    }

    @Test("fixture histogram matches latency figures", arguments: ["healthy.jsonl.gz", "latency-regression.jsonl.gz"])
    func fixtureHistogram(file: String) throws {
        let report = try FixtureTests.analyze(file)
        for cohort in report.cohorts {
            let histogram = cohort.latencyHistogram
            #expect(histogram.count == cohort.latency.count, "\(cohort.cohort)")
            #expect(histogram.cumulativeCounts == histogram.cumulativeCounts.sorted(), "\(cohort.cohort): counts decrease")
            #expect((histogram.cumulativeCounts.last ?? 0) <= histogram.count, "\(cohort.cohort)")
            let mean = try #require(cohort.latency.mean)
            let sum = try #require(histogram.sum)
            #expect(abs(sum - mean * Double(cohort.latency.count) / 1000) < 1e-9 * sum, "\(cohort.cohort)")
        }
    }

    @Test("JSON report has latency histogram")
    func jsonHistogram() throws {
        let report = try FixtureTests.analyze("healthy.jsonl.gz")
        let json = try JSONValue(parsing: Data(JSONReportRenderer.render(report).utf8))

        for cohort in report.cohorts {
            let histogram = json["cohorts"][cohort.cohort.rawValue]["latency_histogram"]
            #expect(histogram["upper_bounds_seconds"].array.compactMap(\.double) == LatencyHistogram.upperBoundsSeconds)
            #expect(histogram["cumulative_counts"].array.compactMap(\.int) == cohort.latencyHistogram.cumulativeCounts)
            #expect(histogram["count"].int == cohort.latency.count)
            #expect(histogram["sum_seconds"].double == cohort.latencyHistogram.sum)
        }
        #expect(json["cohorts"]["gray"]["latency_histogram"]["cumulative_counts"].array.compactMap(\.int)
            == [0, 0, 0, 24, 402, 1696, 2001, 2015, 2015, 2015, 2015, 2015, 2015])
    }
}
