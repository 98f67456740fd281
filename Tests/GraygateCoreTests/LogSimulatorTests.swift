import Foundation
import Testing

@testable import GraygateCore

@Suite("Log simulator")
struct LogSimulatorTests {
    @Test("same parameters give identical bytes")
    func determinism() throws {
        let parameters = SimulationParameters(
            requestCount: 3_000, latencyShift: 0.3, errorRateIncrease: 0.05, drift: 0.4)
        let first = try plainLog(parameters)
        let second = try plainLog(parameters)
        #expect(first == second)

        var reseeded = parameters
        reseeded.seed = 2
        #expect(try plainLog(reseeded) != first)
    }

    @Test("default log starts with known lines")
    func goldenLines() throws {
        // Pins the stream: any change to the generator, the order of draws or the formatting shows up here.
        let lines = try plainLog(SimulationParameters(requestCount: 2)).split(separator: UInt8(ascii: "\n"))
        #expect(String(decoding: lines[0], as: UTF8.self) == """
            {"ts":"2026-12-04T08:00:00.001Z","request_id":"req-1","cohort":"normal","model_version":"v2.0",\
            "latency_ms":287.63,"status":200,"error":null,"prediction":{"label":"positive","score":0.559}}
            """)
        #expect(String(decoding: lines[1], as: UTF8.self) == """
            {"ts":"2026-12-04T08:00:00.002Z","request_id":"req-2","cohort":"normal","model_version":"v2.0",\
            "latency_ms":243.44,"status":200,"error":null,"prediction":{"label":"neutral","score":0.624}}
            """)
    }

    @Test("chunking leaves bytes unchanged", arguments: [1, 500, 4096])
    func chunkingLeavesBytesUnchanged(chunkSize: Int) throws {
        let parameters = SimulationParameters(requestCount: 1_000, errorRateIncrease: 0.2)
        let expected = try plainLog(parameters)

        var simulator = try LogSimulator(parameters: parameters)
        var chunks: [[UInt8]] = []
        simulator.writeLines(parameters.requestCount, chunkSize: chunkSize) { chunks.append(Array($0)) }

        #expect(chunks.flatMap { $0 } == expected)
        for chunk in chunks {
            #expect(chunk.last == UInt8(ascii: "\n"), "every chunk ends with a whole line")
        }
        for chunk in chunks.dropLast() {
            #expect(chunk.count >= chunkSize, "chunk of \(chunk.count) bytes for chunk size \(chunkSize)")
            #expect(chunk.count < chunkSize + simulator.maximumLineLength,
                    "chunk of \(chunk.count) bytes for chunk size \(chunkSize)")
        }
    }

    @Test("lines stay within the computed maximum length")
    func maximumLineLength() throws {
        var parameters = SimulationParameters(requestCount: 5_000, baseErrorRate: 0.5)
        parameters.labelWeights = [LabelWeight(label: "a \"quoted\" label", weight: 1)]
        parameters.errorResponses = [ErrorResponseWeight(status: 599, message: "tab\there", weight: 1)]
        let simulator = try LogSimulator(parameters: parameters)
        let lines = try plainLog(parameters).split(separator: UInt8(ascii: "\n"))
        #expect(lines.count == 5_000)
        #expect(lines.allSatisfy { $0.count + 1 <= simulator.maximumLineLength })
        let first = try #require(try JSONSerialization.jsonObject(with: Data(lines[0])) as? [String: Any])
        #expect((first["prediction"] as? [String: Any])?["label"] as? String == "a \"quoted\" label")
    }

    @Test("zero requests give empty output")
    func zeroRequests() throws {
        #expect(try plainLog(SimulationParameters(requestCount: 0)).isEmpty)
    }
}

@Suite("Simulated log content")
struct SimulatedLogContentTests {
    @Test("every line has the expected keys and types")
    func schema() throws {
        let log = try sampleLog()
        #expect(log.records.count == sampleParameters.requestCount)

        // Checking 50,000 lines with an #expect per condition would take seconds in a debug build, so each
        // line's failed conditions are collected by name and reported together.
        var failures: [String] = []
        for (line, record) in zip(log.lines, log.records) {
            let problems = schemaProblems(record)
            if !problems.isEmpty {
                failures.append("\(problems.joined(separator: ", ")) in \(String(decoding: line, as: UTF8.self))")
            }
        }
        #expect(failures.isEmpty, "\(failures.count) bad lines, first: \(failures.prefix(3))")
    }

    @Test("every line has the exact text layout")
    func textLayout() throws {
        // One pattern fixes the key order, the fixed decimals, the timestamp form and the absence of spaces,
        // which the parsed values cannot show.
        let pattern = #"^\{"ts":"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z","request_id":"req-[1-9]\d*","#
            + #""cohort":"(gray|normal)","model_version":"v2\.[01]","latency_ms":\d+\.\d{2},"#
            + #""status":(200,"error":null|50[034],"error":"[a-z ]+"),"#
            + #""prediction":\{"label":"(positive|neutral|negative)","score":[01]\.\d{3}\}\}$"#
        let expression = try NSRegularExpression(pattern: pattern)
        let log = try sampleLog()

        var mismatches: [String] = []
        for line in log.lines {
            let text = String(decoding: line, as: UTF8.self)
            let range = NSRange(text.startIndex..., in: text)
            if expression.firstMatch(in: text, range: range) == nil {
                mismatches.append(text)
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) lines differ from the layout, first: \(mismatches.prefix(3))")
    }

    /// Returns the name of each schema condition that `record` violates.
    private func schemaProblems(_ record: SimulatedRecord) -> [String] {
        var problems: [String] = []
        if record.object.count != 8 { problems.append("\(record.object.count) top-level keys") }
        if !["gray", "normal"].contains(record.cohort) { problems.append("unknown cohort") }
        if record.modelVersion != (record.cohort == "gray" ? "v2.1" : "v2.0") { problems.append("wrong model version") }
        if !(record.latency > 0) { problems.append("latency not positive") }
        if !(record.score >= 0 && record.score <= 1) { problems.append("score outside [0, 1]") }
        if !["positive", "neutral", "negative"].contains(record.label) { problems.append("unknown label") }
        if record.status == 200 {
            if !(record.object["error"] is NSNull) { problems.append("error not null on success") }
        } else {
            if ![500, 503, 504].contains(record.status) { problems.append("unexpected status") }
            if record.error?.isEmpty != false { problems.append("missing error message") }
        }
        return problems
    }

    @Test("request ids are unique and sequential")
    func requestIDs() throws {
        let log = try sampleLog()
        let ids = log.records.map(\.requestID)
        #expect(Set(ids).count == ids.count)
        #expect(ids.first == "req-1")
        #expect(ids.last == "req-\(sampleParameters.requestCount)")
    }

    @Test("timestamps are well-formed and non-decreasing")
    func timestamps() throws {
        let log = try sampleLog()
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let start = Date(timeIntervalSince1970: Double(sampleParameters.startTimeMilliseconds) / 1000)

        // Every timestamp has the fixed width of `YYYY-MM-DDTHH:MM:SS.mmmZ`, so text order is time order.
        let badWidth = log.records.filter { $0.timestamp.utf8.count != 24 }.map(\.timestamp)
        #expect(badWidth.isEmpty, "\(badWidth.prefix(3))")
        let decreasing = zip(log.records, log.records.dropFirst()).filter { $0.timestamp > $1.timestamp }
        #expect(decreasing.isEmpty, "\(decreasing.prefix(3).map { ($0.timestamp, $1.timestamp) })")

        // Foundation's parser checks the form itself on a sample of lines.
        for record in log.records.enumerated().filter({ $0.offset % 250 == 0 }).map(\.element) {
            let date = try #require(formatter.date(from: record.timestamp), "\(record.timestamp)")
            #expect(date >= start)
        }
    }

    @Test("request rate matches requestsPerSecond")
    func requestRate() throws {
        let log = try sampleLog()
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let start = Date(timeIntervalSince1970: Double(sampleParameters.startTimeMilliseconds) / 1000)
        let last = try #require(formatter.date(from: log.records.last!.timestamp))

        // The last arrival is a sum of n exponential gaps with mean and standard deviation 1/rate, so its
        // time has mean n/rate and standard deviation √n/rate. Timestamps truncate to the millisecond.
        let n = Double(sampleParameters.requestCount)
        let rate = sampleParameters.requestsPerSecond
        let span = last.timeIntervalSince(start)
        #expect(abs(span - n / rate) < 5 * n.squareRoot() / rate + 0.001, "span \(span) s")
    }

    @Test("gray share matches grayShare")
    func grayShare() throws {
        let log = try sampleLog()
        let share = Double(log.gray.count) / Double(log.records.count)
        let expected = sampleParameters.grayShare
        #expect(abs(share - expected) < proportionTolerance(expected, log.records.count), "gray share \(share)")
    }

    @Test("error rates per cohort")
    func errorRates() throws {
        let log = try sampleLog()
        for (records, expected) in [(log.normal, sampleParameters.baseErrorRate),
                                    (log.gray, sampleParameters.grayErrorRate)] {
            let rate = Double(records.filter { $0.status != 200 }.count) / Double(records.count)
            #expect(abs(rate - expected) < proportionTolerance(expected, records.count),
                    "error rate \(rate), expected \(expected)")
        }
    }

    @Test("error statuses follow their weights")
    func errorStatusMix() throws {
        let log = try sampleLog()
        let failures = log.records.filter { $0.status != 200 }
        let total = sampleParameters.errorResponses.map(\.weight).reduce(0, +)
        for response in sampleParameters.errorResponses {
            let matching = failures.filter { $0.status == response.status }
            let share = Double(matching.count) / Double(failures.count)
            let expected = response.weight / total
            #expect(abs(share - expected) < proportionTolerance(expected, failures.count),
                    "status \(response.status) share \(share)")
            #expect(matching.allSatisfy { $0.error == response.message })
        }
    }

    @Test("median latency per cohort")
    func medianLatency() throws {
        let log = try sampleLog()
        let sigma = sampleParameters.latencySigma
        for (records, median) in [(log.normal, sampleParameters.latencyMedianMilliseconds),
                                  (log.gray, sampleParameters.grayLatencyMedianMilliseconds)] {
            let sorted = records.map(\.latency).sorted()
            let sampleMedian = sorted[sorted.count / 2]
            // The sample median has standard error 1 / (2 f(m) √n), and the log-normal density at its
            // median m is 1 / (m σ √(2π)). Latencies are rounded to 0.01 ms.
            let standardError = median * sigma * (Double.pi / 2).squareRoot() / Double(sorted.count).squareRoot()
            #expect(abs(sampleMedian - median) < 5 * standardError + 0.005,
                    "median \(sampleMedian), expected \(median)")

            let logarithms = sorted.map { Foundation.log($0) }
            let (_, variance) = meanAndVariance(logarithms)
            // The sample variance of n normal values has standard error σ²·√(2/(n − 1)).
            let varianceError = sigma * sigma * (2 / Double(logarithms.count - 1)).squareRoot()
            #expect(abs(variance - sigma * sigma) < 5 * varianceError, "log-latency variance \(variance)")
        }
    }

    @Test("mean score per cohort")
    func meanScore() throws {
        let log = try sampleLog()
        let grayScore = sampleParameters.grayScoreParameters
        let cases = [
            (log.normal, BetaDistribution(alpha: sampleParameters.scoreAlpha, beta: sampleParameters.scoreBeta)),
            (log.gray, BetaDistribution(alpha: grayScore.alpha, beta: grayScore.beta)),
        ]
        for (records, beta) in cases {
            let (mean, _) = meanAndVariance(records.map(\.score))
            // Scores are rounded to 0.001, which moves each by at most 0.0005.
            let tolerance = 5 * (beta.variance / Double(records.count)).squareRoot() + 0.0005
            #expect(abs(mean - beta.mean) < tolerance, "mean score \(mean), expected \(beta.mean)")
        }
    }

    @Test("label shares per cohort")
    func labelShares() throws {
        let log = try sampleLog()
        for (records, weights) in [(log.normal, sampleParameters.labelWeights),
                                   (log.gray, sampleParameters.grayLabelWeights)] {
            let total = weights.map(\.weight).reduce(0, +)
            for entry in weights {
                let share = Double(records.filter { $0.label == entry.label }.count) / Double(records.count)
                let expected = entry.weight / total
                #expect(abs(share - expected) < proportionTolerance(expected, records.count),
                        "\(entry.label) share \(share), expected \(expected)")
            }
        }
    }

    @Test("drift mirrors score parameters and labels")
    func driftFormulas() {
        let parameters = SimulationParameters(drift: 0.2)
        let score = parameters.grayScoreParameters
        #expect(isClose(score.alpha, 4.4, relative: 1e-12))
        #expect(isClose(score.beta, 2.6, relative: 1e-12))
        let weights = parameters.grayLabelWeights.map(\.weight)
        #expect(isClose(weights[0], 0.5, relative: 1e-12))
        #expect(isClose(weights[1], 0.3, relative: 1e-12))
        #expect(isClose(weights[2], 0.2, relative: 1e-12))
    }
}

// MARK: - Shared sample

/// Parameters of the shared sample: a regression large enough to measure in each cohort.
let sampleParameters = SimulationParameters(
    seed: 42, requestCount: 50_000, grayShare: 0.3, baseErrorRate: 0.02,
    latencyShift: 0.2, errorRateIncrease: 0.03, drift: 0.25)

/// One parsed log line.
struct SimulatedRecord: @unchecked Sendable {
    let object: [String: Any]
    let timestamp: String
    let requestID: String
    let cohort: String
    let modelVersion: String
    let latency: Double
    let status: Int
    let error: String?
    let label: String
    let score: Double

    /// A line that is not a JSON object or lacks a key of the expected type.
    struct ParseError: Error, CustomStringConvertible {
        let line: String
        var description: String { "unexpected line shape: \(line)" }
    }

    // Plain casts rather than #require: the shared sample parses 50,000 lines, and #require per field
    // makes that several times slower in debug builds.
    init(line: ArraySlice<UInt8>) throws {
        guard
            let object = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
            let timestamp = object["ts"] as? String,
            let requestID = object["request_id"] as? String,
            let cohort = object["cohort"] as? String,
            let modelVersion = object["model_version"] as? String,
            let latency = object["latency_ms"] as? NSNumber,
            let status = object["status"] as? NSNumber,
            let prediction = object["prediction"] as? [String: Any],
            let label = prediction["label"] as? String,
            let score = prediction["score"] as? NSNumber
        else {
            throw ParseError(line: String(decoding: line, as: UTF8.self))
        }
        self.object = object
        self.timestamp = timestamp
        self.requestID = requestID
        self.cohort = cohort
        self.modelVersion = modelVersion
        self.latency = latency.doubleValue
        self.status = status.intValue
        self.error = object["error"] as? String
        self.label = label
        self.score = score.doubleValue
    }
}

/// The shared sample's lines, parsed, and split by cohort.
struct SampleLog: @unchecked Sendable {
    let lines: [ArraySlice<UInt8>]
    let records: [SimulatedRecord]
    let gray: [SimulatedRecord]
    let normal: [SimulatedRecord]
}

/// The shared sample, generated and parsed once, because several tests read it.
private let sharedSample: Result<SampleLog, any Error> = Result {
    let lines = try plainLog(sampleParameters).split(separator: UInt8(ascii: "\n"))
    let records = try lines.map { try SimulatedRecord(line: $0) }
    return SampleLog(lines: lines, records: records,
                     gray: records.filter { $0.cohort == "gray" }, normal: records.filter { $0.cohort == "normal" })
}

func sampleLog() throws -> SampleLog {
    try sharedSample.get()
}

/// Returns the whole plain log for `parameters`.
func plainLog(_ parameters: SimulationParameters) throws -> [UInt8] {
    var output: [UInt8] = []
    try simulate(parameters, gzip: false) { output.append(contentsOf: $0) }
    return output
}

/// Returns five standard errors of a sample proportion with true value `p` over `n` trials.
func proportionTolerance(_ p: Double, _ n: Int) -> Double {
    5 * (p * (1 - p) / Double(n)).squareRoot()
}
