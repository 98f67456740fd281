import Foundation
import Testing

@testable import GraygateCore

/// The raw-log reference cases: whole lines through the full pipeline, against the scipy oracle.
@Suite("Log parse reference cases")
struct LogParseCaseTests {
    /// The oracle's conventions: only "gray" and "normal" name cohorts, and quoted numbers are not read.
    static var oracleConfiguration: Configuration {
        var configuration = Configuration()
        configuration.mapping.grayValues = ["gray"]
        configuration.mapping.normalValues = ["normal"]
        configuration.mapping.numbersInStrings = false
        configuration.checks.minimumSamples = 1
        return configuration
    }

    static let cases = ReferenceVectors.document["log_parse_cases"].array

    static func write(_ testCase: JSONValue) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("graygate-\(testCase["id"].string ?? "case")-\(getpid()).log")
        if let base64 = testCase["gzip_base64"].string {
            try #require(Data(base64Encoded: base64)).write(to: url)
        } else {
            let text = testCase["lines"].array.compactMap(\.string).joined(separator: "\n") + "\n"
            try Data(text.utf8).write(to: url)
        }
        return url
    }

    static func report(_ id: String) throws -> (Report, JSONValue) {
        let testCase = try #require(cases.first { $0["id"].string == id })
        let url = try write(testCase)
        defer { try? FileManager.default.removeItem(at: url) }
        let report = try Analysis(configuration: oracleConfiguration).run(inputs: [url.path])
        return (report, testCase["expected"])
    }

    @Test("error rules")
    func errorRules() throws {
        let (report, expected) = try Self.report("log_error_rules")
        let gray = try #require(report.cohort(.gray))
        let normal = try #require(report.cohort(.normal))
        #expect(gray.requests == expected.at("cohorts.gray.count").int)
        #expect(gray.errors == expected.at("cohorts.gray.errors").int)
        #expect(normal.requests == expected.at("cohorts.normal.count").int)
        #expect(normal.errors == expected.at("cohorts.normal.errors").int)
        #expect(isClose(gray.latency.mean, expected.at("cohorts.gray.latency_ms.mean").double))
        #expect(isClose(gray.latency.p99, expected.at("cohorts.gray.latency_ms.quantiles_linear.p99").double))
        #expect(isClose(normal.latency.p90, expected.at("cohorts.normal.latency_ms.quantiles_linear.p90").double))
    }

    @Test("quoted status counts as a number by default")
    func quotedStatusByDefault() throws {
        // With numbers_in_strings on (the default), "status": "500" is an error too: one more normal error.
        let testCase = try #require(Self.cases.first { $0["id"].string == "log_error_rules" })
        let url = try Self.write(testCase)
        defer { try? FileManager.default.removeItem(at: url) }
        var configuration = Self.oracleConfiguration
        configuration.mapping.numbersInStrings = true
        let report = try Analysis(configuration: configuration).run(inputs: [url.path])
        #expect(report.cohort(.normal)?.errors == (testCase.at("expected.cohorts.normal.errors").int ?? 0) + 1)
    }

    @Test("line handling")
    func lineHandling() throws {
        let (report, expected) = try Self.report("log_line_handling")
        let input = expected["input"]
        #expect(report.input.linesRead == input["lines"].int)
        #expect(report.input.blankLines == input["blank"].int)
        #expect(report.input.rejectedLines == input["malformed"].int)
        #expect(report.input.acceptedLines - report.input.unassignedLines == input["records"].int)
        #expect(report.input.unassignedByValue == ["canary": 1, "Gray": 1, "(missing)": 1])
        #expect(report.input.isReconciled)

        let gray = try #require(report.cohort(.gray))
        let normal = try #require(report.cohort(.normal))
        #expect(gray.requests == expected.at("cohorts.gray.count").int)
        #expect(normal.requests == expected.at("cohorts.normal.count").int)
        #expect(gray.latency.count == expected.at("cohorts.gray.latency_ms.n").int)
        // The oracle counts null and the quoted "12" together as missing; graygate counts them apart.
        #expect(gray.latency.missing + gray.latency.invalid == expected.at("cohorts.gray.latency_ms.n_missing").int)
        #expect(gray.latency.invalid == 1)
        #expect(isClose(gray.latency.p50, expected.at("cohorts.gray.latency_ms.quantiles_linear.p50").double))

        let score = try #require(normal.numericFields.first)
        #expect(score.count == expected.at("cohorts.normal.score.n").int)
        #expect(isClose(score.mean, expected.at("cohorts.normal.score.mean").double))

        // A numeric label is a category in graygate ("5"); the oracle skips it as missing.
        let labels = try #require(normal.categoricalFields.first)
        var expectedLabels = expected.at("cohorts.normal.labels.counts").object.mapValues { $0.int ?? -1 }
        expectedLabels["5"] = 1
        #expect(labels.categories == expectedLabels)
        let grayLabels = try #require(gray.categoricalFields.first)
        #expect(grayLabels.missing == expected.at("cohorts.gray.labels.n_missing").int)
    }

    @Test("two gzip members read as one stream")
    func gzipTwoMembers() throws {
        let (report, expected) = try Self.report("log_gzip_two_members")
        #expect(report.input.linesRead == expected.at("input.lines").int)
        #expect(report.input.rejectedLines == 0)
        #expect(report.input.damage.isEmpty)
        try FigureComparison.compare(report, expected)
    }
}
