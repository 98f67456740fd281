import Foundation
import Testing

@testable import GraygateCore

/// The bundled fixtures: each gives its documented verdict, and its figures equal the scipy oracle's.
@Suite("Fixtures")
struct FixtureTests {
    static let fixtures = ReferenceVectors.packageRoot.appendingPathComponent("fixtures")

    static func analyze(_ name: String, configuration: Configuration = Configuration()) throws -> Report {
        try Analysis(configuration: configuration).run(inputs: [fixtures.appendingPathComponent(name).path])
    }

    static func oracle(_ name: String) throws -> JSONValue {
        let url = fixtures.appendingPathComponent("expected/\(name).oracle.json")
        return try JSONValue(parsing: Data(contentsOf: url))
    }

    static func configuration(_ file: String) throws -> Configuration {
        try ConfigurationLoader.load(path: fixtures.appendingPathComponent(file).path)
    }

    @Test("verdict of each fixture", arguments: [
        ("healthy.jsonl.gz", nil, Verdict.pass),
        ("latency-regression.jsonl.gz", nil, .fail),
        ("error-regression.jsonl.gz", nil, .fail),
        ("drifted-model.jsonl.gz", nil, .fail),
        ("too-few-gray.jsonl.gz", nil, .inconclusive),
        ("broken-split.jsonl.gz", "broken-split.config.json", .invalid),
        ("bad-input.jsonl", nil, .invalid),
        ("custom-shape.jsonl.gz", "custom-shape.config.json", .pass),
    ] as [(String, String?, Verdict)])
    func verdict(file: String, config: String?, expected: Verdict) throws {
        let configuration = try config.map(Self.configuration) ?? Configuration()
        let report = try Self.analyze(file, configuration: configuration)
        #expect(report.verdict == expected, "\(file): \(report.reason)")
        #expect(report.input.isReconciled)
    }

    @Test("failing check of each regression", arguments: [
        ("latency-regression.jsonl.gz", "latency"),
        ("error-regression.jsonl.gz", "error_rate"),
        ("drifted-model.jsonl.gz", "drift.score"),
    ])
    func failingCheck(file: String, checkID: String) throws {
        let report = try Self.analyze(file)
        let failed = report.checks.filter { $0.verdict == .fail }.map(\.id)
        #expect(failed == [checkID])
        #expect(report.reason.contains(checkID))
    }

    @Test("figures equal the scipy oracle", arguments: [
        "healthy", "latency-regression", "error-regression", "drifted-model", "broken-split", "too-few-gray",
    ])
    func figuresMatchOracle(name: String) throws {
        let report = try Self.analyze("\(name).jsonl.gz")
        let oracle = try Self.oracle(name)
        try FigureComparison.compare(report, oracle)
    }

    @Test("bad input is accounted line by line")
    func badInputAccounting() throws {
        // The oracle's conventions: only "gray" and "normal" name cohorts, and quoted numbers are not read.
        var configuration = Configuration()
        configuration.mapping.grayValues = ["gray"]
        configuration.mapping.normalValues = ["normal"]
        configuration.mapping.numbersInStrings = false
        let report = try Self.analyze("bad-input.jsonl", configuration: configuration)
        let oracle = try Self.oracle("bad-input")

        #expect(report.input.linesRead == 403)
        #expect(report.input.blankLines == 3)
        #expect(report.input.rejectedLines == 10)
        #expect(report.input.rejectedByReason == ["invalid_json": 8, "not_an_object": 2])
        #expect(report.input.unassignedByValue == ["canary-2": 1])
        #expect(report.input.isReconciled)
        #expect(report.input.rejectedExamples.map(\.line) == [6, 21, 33, 45, 57, 69, 81, 93, 105, 117])

        // Python's json module rejects the byte order mark on line 1, which RFC 8259 lets a parser ignore.
        // graygate ignores it, so it accepts that one line more than the oracle.
        #expect(oracle.at("input.malformed").int == report.input.rejectedLines + 1)
        #expect(oracle.at("input.lines").int == report.input.linesRead)
        let firstLineCohort = try firstLineCohortOfBadInput()
        let gray = try #require(report.cohort(.gray))
        let normal = try #require(report.cohort(.normal))
        #expect(gray.requests == oracle.at("cohorts.gray.count").int! + (firstLineCohort == "gray" ? 1 : 0))
        #expect(normal.requests == oracle.at("cohorts.normal.count").int! + (firstLineCohort == "normal" ? 1 : 0))
        #expect(gray.latency.invalid + normal.latency.invalid == 2)
    }

    private func firstLineCohortOfBadInput() throws -> String {
        let data = try Data(contentsOf: Self.fixtures.appendingPathComponent("bad-input.jsonl"))
        let firstLine = String(decoding: data.prefix { $0 != 0x0A }.dropFirst(3), as: UTF8.self)
        return firstLine.contains(#""cohort":"gray""#) ? "gray" : "normal"
    }

    @Test("rotated files read as one sample")
    func rotatedFilesOneSample() throws {
        // The healthy fixture is three gzip members; the same lines split over three files give one sample.
        let whole = try Self.analyze("healthy.jsonl.gz")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("graygate-rotated-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        var lines: [String] = []
        var input = LogInput(path: Self.fixtures.appendingPathComponent("healthy.jsonl.gz").path)
        input.blockSize = 1 << 16
        _ = try input.readLines { framed in
            if case .line(let bytes, _) = framed { lines.append(String(decoding: bytes, as: UTF8.self)) }
        }
        let parts = [lines[0..<3000], lines[3000..<3001], lines[3001...]]
        var paths: [String] = []
        for (index, part) in parts.enumerated() {
            let url = directory.appendingPathComponent("model.log.\(index)")
            try (part.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
            paths.append(url.path)
        }
        let split = try Analysis(configuration: Configuration()).run(inputs: paths)
        #expect(split.cohorts == whole.cohorts)
        #expect(split.checks == whole.checks)
        #expect(split.input.linesRead == whole.input.linesRead)
    }
}

/// Compares a report's figures with the scipy oracle's output for the same log.
enum FigureComparison {
    static func compare(_ report: Report, _ oracle: JSONValue, sourceLocation: SourceLocation = #_sourceLocation) throws {
        for cohort in Cohort.allCases {
            let figures = try #require(report.cohort(cohort))
            let expected = oracle.at("cohorts.\(cohort.rawValue)")
            #expect(figures.requests == expected["count"].int, sourceLocation: sourceLocation)
            #expect(figures.errors == expected["errors"].int, sourceLocation: sourceLocation)
            #expect(isClose(figures.errorRate, expected["error_rate"].double), sourceLocation: sourceLocation)

            let latency = expected["latency_ms"]
            #expect(figures.latency.count == latency["n"].int, sourceLocation: sourceLocation)
            #expect(isClose(figures.latency.mean, latency["mean"].double, relative: 1e-12), sourceLocation: sourceLocation)
            #expect(figures.latency.min == latency["min"].double, sourceLocation: sourceLocation)
            #expect(figures.latency.max == latency["max"].double, sourceLocation: sourceLocation)
            // Exact quantiles equal numpy's. Sketched ones are within the relative accuracy of the value of
            // rank ⌊p(n−1)⌋, so 1% also bounds them against numpy's interpolation between neighbouring values.
            let quantileTolerance = figures.latency.quantileMethod == "exact" ? 1e-9 : 0.01
            for quantile in LatencyQuantile.allCases {
                #expect(isClose(figures.latency.quantile(quantile), latency.at("quantiles_linear.\(quantile.rawValue)").double,
                                relative: quantileTolerance),
                        "\(cohort) \(quantile)", sourceLocation: sourceLocation)
            }
            let score = try #require(figures.numericFields.first { $0.name == "score" })
            #expect(score.count == expected.at("score.n").int, sourceLocation: sourceLocation)
            #expect(isClose(score.mean, expected.at("score.mean").double, relative: 1e-12), sourceLocation: sourceLocation)
            let labels = try #require(figures.categoricalFields.first { $0.name == "label" })
            let expectedLabels = expected.at("labels.counts").object.mapValues { $0.int ?? -1 }
            #expect(labels.categories == expectedLabels, sourceLocation: sourceLocation)
        }

        let comparison = oracle["comparison"]
        if let latency = report.check("latency"), latency.verdict != .inconclusive {
            let mannWhitney = comparison["latency_mann_whitney"]
            let shift = comparison["latency_hodges_lehmann"]
            if mannWhitney["z"].isNull {
                // Every latency tied: scipy's z is undefined (null); graygate reports z = 0 with p = 1.
                #expect(latency.statistic == 0, sourceLocation: sourceLocation)
                #expect(latency.pValue == 1, sourceLocation: sourceLocation)
            } else if latency.notes["sketch"] == nil {
                #expect(isClose(latency.statistic, mannWhitney["z"].double), sourceLocation: sourceLocation)
                #expect(isClose(latency.pValue, mannWhitney["p_value"].double, relative: 1e-6, absolute: 1e-300), sourceLocation: sourceLocation)
                #expect(isClose(latency.log10PValue, mannWhitney["log10_p_value"].double, relative: 1e-9), sourceLocation: sourceLocation)
                #expect(isClose(latency.details["hodges_lehmann_shift_ms"] ?? nil, shift["estimate"].double), sourceLocation: sourceLocation)
                #expect(isClose(latency.confidenceInterval?.lower, shift["ci_order_statistic"][0].double), sourceLocation: sourceLocation)
                #expect(isClose(latency.confidenceInterval?.upper, shift["ci_order_statistic"][1].double), sourceLocation: sourceLocation)
            } else {
                // On 0.5% sketch buckets, comparisons inside a bucket are near coin flips: Δz has a standard
                // deviation of about 0.006, and shifts move by at most about a bucket width (1% of 150 ms).
                let bucket = 0.01 * (report.cohort(.normal)?.latency.p50 ?? 0)
                #expect(isClose(latency.statistic, mannWhitney["z"].double, relative: 0, absolute: 0.05), sourceLocation: sourceLocation)
                #expect(isClose(latency.log10PValue, mannWhitney["log10_p_value"].double, relative: 0, absolute: 0.1),
                        sourceLocation: sourceLocation)
                #expect(isClose(latency.details["hodges_lehmann_shift_ms"] ?? nil, shift["estimate"].double, relative: 0, absolute: bucket),
                        sourceLocation: sourceLocation)
                #expect(isClose(latency.confidenceInterval?.lower, shift["ci_order_statistic"][0].double, relative: 0, absolute: bucket),
                        sourceLocation: sourceLocation)
                #expect(isClose(latency.confidenceInterval?.upper, shift["ci_order_statistic"][1].double, relative: 0, absolute: bucket),
                        sourceLocation: sourceLocation)
            }
        }
        if let errorRate = report.check("error_rate"), errorRate.verdict != .inconclusive {
            let zTest = comparison["error_rate_z_test"]
            #expect(isClose(errorRate.effect?.value, zTest["diff"].double), sourceLocation: sourceLocation)
            if errorRate.test?.hasPrefix("two-proportion") == true {
                #expect(isClose(errorRate.statistic, zTest["z"].double), sourceLocation: sourceLocation)
                #expect(isClose(errorRate.pValue, zTest["p_value"].double, relative: 1e-6, absolute: 1e-300), sourceLocation: sourceLocation)
            } else {
                #expect(isClose(errorRate.pValue, comparison.at("error_rate_fisher_exact.p_value").double, relative: 1e-6),
                        sourceLocation: sourceLocation)
            }
        }
        if let drift = report.check("drift.score"), drift.verdict != .inconclusive {
            let ks = comparison["score_ks"]
            #expect(isClose(drift.statistic, ks["D"].double), sourceLocation: sourceLocation)
            #expect(isClose(drift.pValue, ks["p_value_auto"].double, relative: 1e-6, absolute: 1e-300), sourceLocation: sourceLocation)
            #expect(isClose(drift.effect?.value, comparison.at("score_psi.psi").double), sourceLocation: sourceLocation)
            #expect(isClose(drift.details["wasserstein"] ?? nil, comparison.at("score_wasserstein.distance").double),
                    sourceLocation: sourceLocation)
        }
        if let drift = report.check("drift.label"), drift.verdict != .inconclusive {
            let chiSquare = comparison["label_chi2"]
            #expect(isClose(drift.statistic, chiSquare["statistic"].double), sourceLocation: sourceLocation)
            #expect(isClose(drift.pValue, chiSquare["p_value"].double, relative: 1e-6, absolute: 1e-300), sourceLocation: sourceLocation)
            #expect(isClose(drift.effect?.value, comparison.at("label_js_distance.distance").double), sourceLocation: sourceLocation)
        }
    }
}

/// Mapping mistakes must not pass silently.
@Suite("Mapping mistakes")
struct MappingMistakeTests {
    @Test("misspelt status path is inconclusive")
    func misspeltStatusPath() throws {
        var configuration = Configuration()
        configuration.mapping.statusPath = FieldPath("http_status")
        configuration.mapping.errorPath = nil
        let report = try FixtureTests.analyze("error-regression.jsonl.gz", configuration: configuration)
        let errorRate = try #require(report.check("error_rate"))
        #expect(errorRate.verdict == .inconclusive)
        #expect(errorRate.reason.contains("'http_status'"))
        #expect(report.verdict == .inconclusive)
        #expect(report.cohort(.gray)?.statusMissing == report.cohort(.gray)?.requests)
    }

    @Test("text status values are counted as invalid")
    func textStatus() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("graygate-status-\(getpid()).jsonl")
        defer { try? FileManager.default.removeItem(at: url) }
        let lines = [#"{"cohort":"gray","latency_ms":5,"status":"ok"}"#, #"{"cohort":"gray","latency_ms":5,"status":503}"#,
                     #"{"cohort":"normal","latency_ms":5,"status":"fail"}"#, #"{"cohort":"normal","latency_ms":5}"#]
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: url)
        let report = try Analysis(configuration: Configuration()).run(inputs: [url.path])
        #expect(report.cohort(.gray)?.statusInvalid == 1)
        #expect(report.cohort(.gray)?.errors == 1)
        #expect(report.cohort(.normal)?.statusInvalid == 1)
        #expect(report.cohort(.normal)?.statusMissing == 1)
        #expect(report.cohort(.normal)?.errorFieldMissing == 2)
        #expect(report.notes.contains { $0.contains("2 requests had a status at 'status' that is not a whole number") })
    }

    @Test("absent drift field is noted")
    func absentDriftField() throws {
        var configuration = Configuration()
        configuration.mapping.numericFields.append(NumericField(name: "tokens", path: FieldPath("usage.tokens")!))
        let report = try FixtureTests.analyze("healthy.jsonl.gz", configuration: configuration)
        #expect(report.check("drift.tokens") == nil)
        #expect(report.notes == ["No request had a numeric value at 'usage.tokens', so the drift check of 'tokens' did not run."])
    }

    @Test("latency fail names the shift that triggered it")
    func latencyFailNamesTrigger() throws {
        // A 7% slowdown: no quantile passes its 10% margin, but the shift passes its 5% one.
        var data = Data()
        try simulate(SimulationParameters(seed: 12, requestCount: 40_000, grayShare: 0.5, latencySigma: 0.3, latencyShift: 0.07),
                     gzip: false) { data.append(contentsOf: $0) }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("graygate-shift-\(getpid()).jsonl")
        defer { try? FileManager.default.removeItem(at: url) }
        try data.write(to: url)
        let report = try Analysis(configuration: Configuration()).run(inputs: [url.path])
        let latency = try #require(report.check("latency"))
        #expect(latency.verdict == .fail)
        #expect(latency.effect?.name == "hodges_lehmann_shift_relative")
        #expect(latency.threshold?.fail == 0.05)
        #expect((latency.effect?.value ?? 0) > 0.05)
        #expect(latency.reason.contains("of normal's median (margin +5%)"))
    }
}

/// What damaged gzip input means for the verdict.
@Suite("Damaged input verdicts")
struct DamagedInputTests {
    static func analyzeBytes(_ bytes: Data, name: String) throws -> Report {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("graygate-damage-\(getpid())-\(name)")
        defer { try? FileManager.default.removeItem(at: url) }
        try bytes.write(to: url)
        return try Analysis(configuration: Configuration()).run(inputs: [url.path])
    }

    static var healthy: Data {
        get throws { try Data(contentsOf: FixtureTests.fixtures.appendingPathComponent("healthy.jsonl.gz")) }
    }

    @Test("truncated gzip keeps its verdict with a note")
    func truncated() throws {
        let bytes = try Self.healthy
        let report = try Self.analyzeBytes(bytes.prefix(bytes.count * 9 / 10), name: "truncated.gz")
        #expect(report.verdict == .pass)
        #expect(report.input.damage.map(\.kind) == [.truncated])
        #expect(report.input.rejectedByReason == ["cut_by_damaged_input": 1])
        #expect(report.reason.hasSuffix("One input was damaged; see the notes."))
        #expect(report.notes.contains { $0.contains("ends inside a gzip member") })
        #expect(GitHubAnnotationRenderer.render(report).hasPrefix("::warning title=graygate%3A damaged input::Truncated gzip stream"))
        #expect(report.input.isReconciled)
    }

    @Test("corrupt gzip makes the run invalid")
    func corrupt() throws {
        var bytes = try Self.healthy
        // A byte in the middle of the deflate data: decoders find it at once or only at the checksum.
        let middle = bytes.count / 2
        bytes[middle] ^= 0xFF
        let report = try Self.analyzeBytes(bytes, name: "corrupt.gz")
        #expect(report.verdict == .invalid)
        #expect(report.input.damage.map(\.kind) == [.corrupt])
        #expect(report.check("input_quality")?.verdict == .fail)
        #expect(report.reason.contains("is corrupt"))
    }

    @Test("trailing garbage keeps every member")
    func trailingGarbage() throws {
        let bytes = try Self.healthy + Data("not gzip\n".utf8)
        let report = try Self.analyzeBytes(bytes, name: "garbage.gz")
        #expect(report.verdict == .pass)
        #expect(report.input.linesRead == 10_000)
        #expect(report.input.damage.map(\.kind) == [.trailingGarbage])
    }
}
