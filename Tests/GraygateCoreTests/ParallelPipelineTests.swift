import Foundation
import Testing

@testable import GraygateCore

/// The report must not depend on how the input was cut or how many threads parsed it.
@Suite("Parallel pipeline")
struct ParallelPipelineTests {
    static func report(_ inputs: [String], workers: Int, chunkSize: Int, configuration: Configuration = Configuration()) throws -> Report {
        var analysis = Analysis(configuration: configuration, workerCount: workers)
        analysis.chunkSize = chunkSize
        return try analysis.run(inputs: inputs)
    }

    static let fixtures = ReferenceVectors.packageRoot.appendingPathComponent("fixtures")

    @Test("same report for any workers and chunk size", arguments: [
        (1, 1 << 20), (2, 1 << 20), (3, 4096), (4, 64), (2, 1),
    ])
    func sameReport(workers: Int, chunkSize: Int) throws {
        let inputs = ["bad-input.jsonl", "healthy.jsonl.gz"].map { Self.fixtures.appendingPathComponent($0).path }
        let baseline = try Self.report(inputs, workers: 1, chunkSize: 1 << 20)
        let other = try Self.report(inputs, workers: workers, chunkSize: chunkSize)
        #expect(other == baseline)
        #expect(other.input.rejectedExamples.map(\.line) == [6, 21, 33, 45, 57, 69, 81, 93, 105, 117])
        #expect(other.input.isReconciled)
    }

    @Test("sketched figures are the same for any workers")
    func sketchedFigures() throws {
        // 40,000 requests: both cohorts pass the exact limit, so sketches merge across workers.
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("graygate-parallel-\(getpid()).jsonl")
        defer { try? FileManager.default.removeItem(at: url) }
        var data = Data()
        try simulate(SimulationParameters(seed: 31, requestCount: 40_000, grayShare: 0.4, latencyShift: 0.02), gzip: false) {
            data.append(contentsOf: $0)
        }
        try data.write(to: url)

        let single = try Self.report([url.path], workers: 1, chunkSize: 1 << 20)
        let three = try Self.report([url.path], workers: 3, chunkSize: 10_000)
        #expect(single.cohort(.gray)?.latency.quantileMethod == "sketch")
        #expect(single.cohorts == three.cohorts)
        #expect(single.checks == three.checks)
        #expect(single.verdict == three.verdict)
    }

    @Test("overlong lines and damage keep their line numbers in chunks")
    func overlongLinesAcrossChunks() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("graygate-long-\(getpid()).jsonl")
        defer { try? FileManager.default.removeItem(at: url) }
        let normal = #"{"cohort":"normal","latency_ms":10}"#
        let long = #"{"cohort":"gray","latency_ms":10,"pad":""# + String(repeating: "x", count: 3000) + #""}"#
        let lines = [normal, long, normal, "{broken", long, normal]
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: url)

        var configuration = Configuration()
        configuration.input.maxLineBytes = 1000
        for (workers, chunkSize) in [(1, 1 << 20), (2, 100), (2, 7)] {
            let report = try Self.report([url.path], workers: workers, chunkSize: chunkSize, configuration: configuration)
            #expect(report.input.linesRead == 6, "chunk size \(chunkSize)")
            #expect(report.input.rejectedByReason == ["line_too_long": 2, "invalid_json": 1])
            #expect(report.input.rejectedExamples.map(\.line) == [2, 4, 5], "chunk size \(chunkSize)")
            #expect(report.cohort(.normal)?.requests == 3)
        }
    }
}
