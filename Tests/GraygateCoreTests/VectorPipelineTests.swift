import Foundation
import Testing

@testable import GraygateCore

/// Every reference vector written out as a log and read back through the whole pipeline: framing,
/// scanning, mapping, accumulators, checks and the report, against the scipy figures.
@Suite("Reference vectors through the pipeline")
struct VectorPipelineTests {
    static func logText(_ vector: ReferenceVector) -> String {
        var lines: [String] = []
        for (name, cohort) in [("gray", vector.gray), ("normal", vector.normal)] {
            for index in cohort.error.indices {
                let latency = cohort.latency[index].map { "\($0)" } ?? "null"
                let score = cohort.score[index].map { "\($0)" } ?? "null"
                let label = cohort.label[index].map { "\"\($0)\"" } ?? "null"
                let status = cohort.error[index] == 1 ? 500 : 200
                lines.append(#"{"cohort":"\#(name)","latency_ms":\#(latency),"status":\#(status),"error":null,"prediction":{"label":\#(label),"score":\#(score)}}"#)
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test("figures equal scipy", arguments: ReferenceVectors.all)
    func figuresEqualScipy(vector: ReferenceVector) throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("graygate-vector-\(vector.id)-\(getpid()).log")
        try Data(Self.logText(vector).utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }

        var configuration = LogParseCaseTests.oracleConfiguration
        configuration.input.exactSampleLimit = 200_000
        let report = try Analysis(configuration: configuration).run(inputs: [url.path])
        #expect(report.input.rejectedLines == 0)
        try FigureComparison.compare(report, vector.expected)
    }
}
