import Foundation
import Testing

@Suite("graygate analyze")
struct AnalyzeCommandTests {
    @Test("exit status of each fixture", arguments: [
        (["fixtures/healthy.jsonl.gz"], Int32(0), "PASS"),
        (["fixtures/latency-regression.jsonl.gz"], 1, "FAIL"),
        (["fixtures/error-regression.jsonl.gz"], 1, "FAIL"),
        (["fixtures/drifted-model.jsonl.gz"], 1, "FAIL"),
        (["fixtures/too-few-gray.jsonl.gz"], 2, "INCONCLUSIVE"),
        (["--config", "fixtures/broken-split.config.json", "fixtures/broken-split.jsonl.gz"], 3, "INVALID"),
        (["fixtures/bad-input.jsonl"], 3, "INVALID"),
        (["-c", "fixtures/custom-shape.config.json", "fixtures/custom-shape.jsonl.gz"], 0, "PASS"),
    ] as [([String], Int32, String)])
    func exitStatus(arguments: [String], status: Int32, verdict: String) throws {
        let result = try CommandRunner.run(["analyze"] + arguments)
        #expect(result.status == status, "\(arguments): \(result.stderr)")
        #expect(result.stdout.hasPrefix("graygate "))
        #expect(result.stdout.contains(": \(verdict)\n"))
    }

    @Test("event preset overrides --workers")
    func eventPresetOverridesWorkers() throws {
        let result = try CommandRunner.run(["analyze", "--preset", "kserve", "--workers", "2", "fixtures/presets/kserve.jsonl"])
        let single = try CommandRunner.run(["analyze", "--preset", "kserve", "--workers", "1", "fixtures/presets/kserve.jsonl"])
        #expect(result.stderr.contains("--workers 2 is ignored"))
        #expect(!single.stderr.contains("ignored"))
        #expect(result.stdout == single.stdout)
        #expect(result.stdout.contains("Events: 488 pairs;"))
    }

    @Test("reads standard input")
    func readsStdin() throws {
        let log = try Data(contentsOf: CommandRunner.fixtures.appendingPathComponent("latency-regression.jsonl.gz"))
        let implicit = try CommandRunner.run(["analyze", "--json", "-"], stdin: log)
        let explicit = try CommandRunner.run(["analyze", "--json", "-", "-"], stdin: log)
        let file = try CommandRunner.run(["analyze", "--json", "-", "fixtures/latency-regression.jsonl.gz"])
        #expect(implicit.status == 1)
        #expect(explicit.status == 1)
        let stripFiles = { (text: String) in text.replacingOccurrences(of: "fixtures/latency-regression.jsonl.gz", with: "-") }
        #expect(implicit.stdout == explicit.stdout)
        #expect(stripFiles(file.stdout) == implicit.stdout)
    }

    @Test("JSON report is complete and finite")
    func jsonReport() throws {
        let result = try CommandRunner.run(["analyze", "--json", "-", "fixtures/error-regression.jsonl.gz"])
        #expect(result.status == 1)
        #expect(!result.stdout.contains("NaN"))
        #expect(!result.stdout.contains("inf"))
        let object = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
        #expect(object["schema_version"] as? Int == 1)
        #expect(object["verdict"] as? String == "fail")
        let input = try #require(object["input"] as? [String: Any])
        #expect(input["lines_read"] as? Int == 10_000)
        let checks = try #require(object["checks"] as? [[String: Any]])
        let errorRate = try #require(checks.first { $0["id"] as? String == "error_rate" })
        #expect(errorRate["verdict"] as? String == "fail")
        for key in ["statistic", "p_value", "p_value_adjusted", "effect", "confidence_interval", "threshold", "samples", "reason"] {
            #expect(errorRate[key] != nil, "error_rate lacks \(key)")
        }
        // A figure that cannot be computed is an explicit null with a note saying why.
        let score = try #require(checks.first { $0["id"] as? String == "drift.score" })
        #expect(score["confidence_interval"] is NSNull)
        #expect((score["notes"] as? [String: String])?["confidence_interval"] != nil)
    }

    @Test("JSON file and text report together")
    func jsonFileAndText() throws {
        let path = CommandRunner.temporaryFile("report.json")
        defer { try? FileManager.default.removeItem(at: path) }
        let result = try CommandRunner.run(["analyze", "--json", path.path, "fixtures/healthy.jsonl.gz"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("PASS"))
        let data = try Data(contentsOf: path)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["verdict"] as? String == "pass")
    }

    @Test("no color when output is a pipe")
    func noColorInPipe() throws {
        let result = try CommandRunner.run(["analyze", "fixtures/latency-regression.jsonl.gz"])
        #expect(!result.stdout.contains("\u{1B}["))
    }

    @Test("fail-on warn turns a warn into exit 1")
    func failOnWarn() throws {
        // 0.4 percentage points more errors on 100,000 requests per cohort: significant, within the 0.5 pp margin.
        let simulated = try CommandRunner.run(["simulate", "--requests", "200000", "--gray-share", "0.5",
                                               "--error-increase", "0.004", "--seed", "9"])
        #expect(simulated.status == 0)
        let lenient = try CommandRunner.run(["analyze", "--json", "-"], stdin: simulated.stdoutData)
        let strict = try CommandRunner.run(["analyze", "--fail-on", "warn", "-q"], stdin: simulated.stdoutData)
        #expect(lenient.stdout.contains(#""verdict": "warn""#))
        #expect(lenient.status == 0)
        #expect(strict.status == 1)
        #expect(strict.stdout.isEmpty)
    }

    @Test("flags override the mapping")
    func flagsOverrideMapping() throws {
        // The custom shape read with flags alone, no configuration file.
        let result = try CommandRunner.run([
            "analyze", "--cohort-path", "route.subset", "--gray", "v2-canary", "--normal", "v1-stable",
            "--latency-path", "duration_s", "--latency-unit", "s", "--status-path", "http.status_code",
            "--error-path", "failed", "--expected-gray-share", "0.2", "--json", "-", "fixtures/custom-shape.jsonl.gz",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
        let cohorts = try #require(object["cohorts"] as? [String: [String: Any]])
        #expect(cohorts["gray"]?["requests"] as? Int == 1968)
        let latency = try #require(cohorts["normal"]?["latency_ms"] as? [String: Any])
        let median = try #require(latency["p50"] as? Double)
        #expect(median > 100)
        #expect(median < 200)
    }

    @Test("rejected lines on standard error with file and line")
    func rejectedLinesOnStderr() throws {
        let result = try CommandRunner.run(["analyze", "--show-rejected", "2", "-q", "fixtures/bad-input.jsonl"])
        #expect(result.status == 3)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines[0] == "graygate: rejected fixtures/bad-input.jsonl:6: invalid JSON: unexpected character at column 2")
        #expect(lines[1] == "graygate: rejected fixtures/bad-input.jsonl:21: not a JSON object: the line is a JSON array, not an object")
        #expect(lines[2] == "graygate: 8 more rejected lines not shown; the report counts them by reason")
    }

    @Test("usage errors exit 64 with a hint", arguments: [
        (["analyze", "--fial-on", "warn"], "unknown option '--fial-on'; did you mean '--fail-on'?"),
        (["analyze", "--alpha", "2"], "invalid value '2' for --alpha"),
        (["analyze", "--latency-unit", "minutes"], "invalid value 'minutes' for --latency-unit: expected s, ms, us or ns"),
        (["analyze", "--json"], "option '--json' needs a value"),
        (["analyze", "--fail-on", "inconclusive"], "invalid value 'inconclusive' for --fail-on"),
        (["analyse"], "unknown command 'analyse'"),
        (["help", "simulat"], "unknown command 'simulat'"),
        (["analyze", "--json", "-", "--junit", "-"], "only one of --json, --junit, --markdown and --prometheus can write to standard output"),
        (["analyze", "--json", "/tmp/same", "--markdown", "/tmp/same"], "--json, --junit, --markdown and --prometheus need different files"),
    ] as [([String], String)])
    func usageErrors(arguments: [String], message: String) throws {
        let result = try CommandRunner.run(arguments)
        #expect(result.status == 64)
        #expect(result.stderr.contains("Error: \(message)"), "\(result.stderr)")
        #expect(result.stderr.contains("See 'graygate"))
        #expect(result.stdout.isEmpty)
    }

    @Test("missing input exits 66 naming the file")
    func missingInput() throws {
        let result = try CommandRunner.run(["analyze", "fixtures/no-such.log"])
        #expect(result.status == 66)
        #expect(result.stderr.contains("Cannot open 'fixtures/no-such.log'"))
    }

    @Test("invalid configuration exits 78 with JSON paths")
    func invalidConfiguration() throws {
        let path = CommandRunner.temporaryFile("bad-config.json")
        defer { try? FileManager.default.removeItem(at: path) }
        try Data(#"{"checks": {"alpha": 3, "latncy": {}}}"#.utf8).write(to: path)
        let result = try CommandRunner.run(["analyze", "-c", path.path, "fixtures/healthy.jsonl.gz"])
        #expect(result.status == 78)
        #expect(result.stderr.contains("$.checks.alpha: must be between 0 and 1 (exclusive), got 3.0"))
        #expect(result.stderr.contains("$.checks.latncy: unknown key; did you mean 'latency'?"))
    }

    @Test("help for each command", arguments: [["--help"], ["help", "analyze"], ["analyze", "-h"], ["simulate", "--help"]])
    func help(arguments: [String]) throws {
        let result = try CommandRunner.run(arguments)
        #expect(result.status == 0)
        #expect(result.stdout.contains("USAGE: graygate"))
    }

    @Test("closed standard output exits 74")
    func closedStdout() throws {
        let process = Process()
        process.executableURL = CommandRunner.executable
        process.arguments = ["analyze", "fixtures/healthy.jsonl.gz"]
        process.currentDirectoryURL = CommandRunner.packageRoot
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try output.fileHandleForReading.close()
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        // The report could not be delivered, so the verdict's status would mislead a gate.
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 74)
        #expect(message.contains("Error: Cannot write 'standard output': Broken pipe"))
    }

    @Test("unwritable JSON file exits 74")
    func unwritableJSONFile() throws {
        let result = try CommandRunner.run(["analyze", "--json", "/proc/graygate-no-such-dir/report.json", "fixtures/healthy.jsonl.gz"])
        #expect(result.status == 74)
        #expect(result.stderr.contains("Error: Cannot write '/proc/graygate-no-such-dir/report.json': No such file or directory"))
    }

    @Test("missing configuration exits 78")
    func missingConfiguration() throws {
        let result = try CommandRunner.run(["analyze", "-c", "fixtures/no-such.config.json", "fixtures/healthy.jsonl.gz"])
        #expect(result.status == 78)
        #expect(result.stderr.contains("$: the file does not exist"))
    }

    @Test("stats on standard error, no progress off a terminal")
    func statsWithoutProgress() throws {
        let quiet = try CommandRunner.run(["analyze", "-q", "fixtures/healthy.jsonl.gz"])
        #expect(quiet.status == 0)
        #expect(quiet.stderr.isEmpty)

        let result = try CommandRunner.run(["analyze", "-q", "--stats", "--workers", "2", "fixtures/healthy.jsonl.gz"])
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(lines.first?.contains("10000 lines") == true)
        #expect(lines.first?.contains("2 workers, gzip decoder") == true)
        #expect(lines.last?.contains("parse ") == true)
        #expect(!result.stderr.contains("\r"))
    }

    @Test("gzip decoders give the same report", arguments: ["zlib", "auto"])
    func gzipDecoders(decoder: String) throws {
        let reference = try CommandRunner.run(["analyze", "--json", "-", "--gzip-decoder", "zlib", "fixtures/healthy.jsonl.gz"])
        let result = try CommandRunner.run(["analyze", "--json", "-", "--gzip-decoder", decoder, "fixtures/healthy.jsonl.gz"])
        #expect(result.status == 0)
        #expect(result.stdout == reference.stdout)
    }
}

@Suite("CI outputs")
struct CIOutputTests {
    @Test("JUnit and Markdown files")
    func junitAndMarkdownFiles() throws {
        let junit = CommandRunner.temporaryFile("report.xml")
        let markdown = CommandRunner.temporaryFile("summary.md")
        defer {
            try? FileManager.default.removeItem(at: junit)
            try? FileManager.default.removeItem(at: markdown)
        }
        let result = try CommandRunner.run(["analyze", "-q", "--junit", junit.path, "--markdown", markdown.path,
                                            "fixtures/error-regression.jsonl.gz"])
        #expect(result.status == 1)
        let xml = try String(contentsOf: junit, encoding: .utf8)
        #expect(xml.contains("<failure message=\"Gray fails more often"))
        let summary = try String(contentsOf: markdown, encoding: .utf8)
        #expect(summary.hasPrefix("### graygate: ❌ FAIL"))
    }

    @Test("annotations only inside GitHub Actions")
    func annotationsInGitHubActions() throws {
        let outside = try CommandRunner.run(["analyze", "-q", "fixtures/error-regression.jsonl.gz"], environment: ["GITHUB_ACTIONS": "false"])
        #expect(!outside.stdout.contains("::error"))
        let inside = try CommandRunner.run(["analyze", "-q", "fixtures/error-regression.jsonl.gz"], environment: ["GITHUB_ACTIONS": "true"])
        #expect(inside.stdout.hasPrefix("::error title=graygate error_rate%3A fail::"))
        let withJSON = try CommandRunner.run(["analyze", "--json", "-", "fixtures/error-regression.jsonl.gz"], environment: ["GITHUB_ACTIONS": "true"])
        #expect(withJSON.stdout.hasPrefix("{"))
        #expect(withJSON.stderr.contains("::error title=graygate error_rate%3A fail::"))
        let disabled = try CommandRunner.run(["analyze", "-q", "--no-annotations", "fixtures/error-regression.jsonl.gz"],
                                             environment: ["GITHUB_ACTIONS": "true"])
        #expect(disabled.stdout.isEmpty)
    }

    @Test("check-config exit statuses")
    func checkConfig() throws {
        let valid = try CommandRunner.run(["check-config", "fixtures/custom-shape.config.json"])
        #expect(valid.status == 0)
        #expect(valid.stdout.hasPrefix("Configuration 'fixtures/custom-shape.config.json' is valid.\n"))
        #expect(valid.stdout.contains("cohort: 'route.subset'; gray v2-canary; normal v1-stable"))

        let path = CommandRunner.temporaryFile("typo.json")
        defer { try? FileManager.default.removeItem(at: path) }
        try Data(#"{"mapping": {"latency": {"unit": "minutes"}}, "checks": {"alpah": 0.1}}"#.utf8).write(to: path)
        let invalid = try CommandRunner.run(["check-config", path.path])
        #expect(invalid.status == 78)
        #expect(invalid.stderr.contains("$.mapping.latency.unit: unknown unit 'minutes'"))
        #expect(invalid.stderr.contains("$.checks.alpah: unknown key; did you mean 'alpha'?"))

        let usage = try CommandRunner.run(["check-config"])
        #expect(usage.status == 64)
    }
}

@Suite("graygate summarize")
struct SummarizeCommandTests {
    @Test("shards merge into the single-run report")
    func shardsMerge() throws {
        let first = CommandRunner.temporaryFile("shard-a.ggs")
        let second = CommandRunner.temporaryFile("shard-b.ggs")
        defer {
            try? FileManager.default.removeItem(at: first)
            try? FileManager.default.removeItem(at: second)
        }
        #expect(try CommandRunner.run(["summarize", "-o", first.path, "fixtures/healthy.jsonl.gz"]).status == 0)
        #expect(try CommandRunner.run(["summarize", "-o", second.path, "fixtures/bad-input.jsonl"]).status == 0)

        let merged = try CommandRunner.run(["analyze", "--json", "-", "--summary", first.path, "--summary", second.path])
        let direct = try CommandRunner.run(["analyze", "--json", "-", "fixtures/healthy.jsonl.gz", "fixtures/bad-input.jsonl"])
        #expect(merged.status == direct.status)
        let figures = { (text: String) in
            text.split(separator: "\n").filter { !$0.contains("\"bytes_read\"") && !$0.contains(".ggs") && !$0.contains("fixtures/") }
        }
        #expect(figures(merged.stdout).count > 100)
        #expect(figures(merged.stdout) == figures(direct.stdout))
    }

    @Test("another mapping exits 65")
    func otherMapping() throws {
        let shard = CommandRunner.temporaryFile("shard-mapping.ggs")
        defer { try? FileManager.default.removeItem(at: shard) }
        #expect(try CommandRunner.run(["summarize", "-o", shard.path, "--gray", "canary", "fixtures/healthy.jsonl.gz"]).status == 0)
        let result = try CommandRunner.run(["analyze", "--summary", shard.path])
        #expect(result.status == 65)
        #expect(result.stderr.contains("it was made with other mapping or sketch settings"))
    }

    @Test("output is required")
    func outputRequired() throws {
        let result = try CommandRunner.run(["summarize", "fixtures/healthy.jsonl.gz"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("summarize needs --output FILE"))
    }
}

@Suite("Output files")
struct OutputFileTests {
    @Test("a symbolic link is written through, not replaced")
    func symbolicLink() throws {
        let target = CommandRunner.temporaryFile("link-target.json")
        let link = CommandRunner.temporaryFile("report-link.json")
        defer {
            try? FileManager.default.removeItem(at: link)
            try? FileManager.default.removeItem(at: target)
        }
        try Data().write(to: target)
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: target)
        let result = try CommandRunner.run(["analyze", "-q", "--json", link.path, "fixtures/healthy.jsonl.gz"])
        #expect(result.status == 0)
        let attributes = try FileManager.default.attributesOfItem(atPath: link.path)
        #expect(attributes[.type] as? FileAttributeType == .typeSymbolicLink)
        #expect(try String(contentsOf: target, encoding: .utf8).contains("\"verdict\": \"pass\""))
    }

    @Test("summarize reads stdin and writes stdout")
    func summarizeThroughPipes() throws {
        let log = try Data(contentsOf: CommandRunner.fixtures.appendingPathComponent("healthy.jsonl.gz"))
        let result = try CommandRunner.run(["summarize", "-o", "-"], stdin: log)
        #expect(result.status == 0)
        #expect(result.stdoutData.prefix(2) == Data([0x1F, 0x8B]))
    }
}
