import Foundation
import Testing

/// `graygate watch` run as a user runs it: on files, on pipes that stay open, with signals and early exit.
struct WatchCommandTests {
    private static func fixture(_ name: String) -> String {
        CommandRunner.fixtures.appendingPathComponent(name).path
    }

    /// Lines in graygate's default shape: every tenth request gray.
    private static func lines(_ range: Range<Int>, grayLatency: Double = 100) -> String {
        range.map { index in
            let gray = index % 10 == 0
            return "{\"cohort\":\"\(gray ? "gray" : "normal")\",\"latency_ms\":\(gray ? grayLatency : 100 + Double(index % 13)),\"status\":200}\n"
        }.joined()
    }

    @Test func fileInputGivesAnalyzeFiguresAndVerdictStatus() throws {
        let json = CommandRunner.temporaryFile("watch-healthy.json")
        defer { try? FileManager.default.removeItem(at: json) }
        let watched = try CommandRunner.run(["watch", "--json", json.path, Self.fixture("healthy.jsonl.gz")])
        #expect(watched.status == 0, "\(watched.stderr)")
        #expect(watched.stdout.contains("Safe to widen"))
        let analyzed = try CommandRunner.run(["analyze", "--json", "-", Self.fixture("healthy.jsonl.gz")])
        let watchedJSON = try String(contentsOf: json, encoding: .utf8)
        // The cohort figures are the same; the checks differ only in their tests.
        for key in ["\"requests\"", "\"lines_read\"", "\"p99\""] {
            #expect(Self.values(of: key, in: watchedJSON) == Self.values(of: key, in: analyzed.stdout), "\(key)")
        }
        #expect(watchedJSON.contains("mixture SPRT"))
    }

    @Test func regressionFixtureFailsWithStatusOne() throws {
        let result = try CommandRunner.run(["watch", "-q", Self.fixture("error-regression.jsonl.gz")])
        #expect(result.status == 1, "\(result.stderr)")
    }

    @Test func statusLinesAppearEveryIntervalWhileInputIsOpen() throws {
        let watch = try LiveProcess(["watch", "--interval", "300ms"])
        try watch.write(Self.lines(0..<200))
        #expect(watch.wait(upTo: 10) { watch.stdout.contains("lines 200 (+200)") }, "\(watch.stdout)")
        try watch.write(Self.lines(200..<250))
        #expect(watch.wait(upTo: 10) { watch.stdout.contains("lines 250 (+50)") }, "\(watch.stdout)")
        #expect(watch.stdout.contains("gray 25 err 0.00%"))
        try watch.closeInput()
        #expect(watch.exitStatus(within: 20) == 2)  // 25 gray requests: inconclusive
        #expect(watch.stdout.contains("Not enough evidence yet"))
    }

    @Test func sigtermPrintsTheReportAndExitsWithTheVerdict() throws {
        let watch = try LiveProcess(["watch", "--interval", "200ms"])
        try watch.write(Self.lines(0..<3000))
        #expect(watch.wait(upTo: 10) { watch.stdout.contains("lines 3,000") })
        watch.process.terminate()  // SIGTERM; the input stays open
        #expect(watch.exitStatus(within: 20) == 0)
        #expect(watch.stderr.contains("SIGTERM received"))
        #expect(watch.stdout.contains("Safe to widen"))
    }

    @Test func exitOnFailStopsALiveRegression() throws {
        let watch = try LiveProcess(["watch", "--interval", "1s", "--exit-on", "fail"])
        var index = 0
        // Gray at twice normal's latency, written in bursts as a live service would.
        let stopped = watch.wait(upTo: 60) {
            if watch.process.isRunning {
                try? watch.write(Self.lines(index..<(index + 500), grayLatency: 220))
                index += 500
            }
            return !watch.process.isRunning
        }
        #expect(stopped)
        #expect(watch.exitStatus(within: 10) == 1)
        #expect(watch.stderr.contains("latency failed with always-valid confidence"), "\(watch.stderr)")
    }

    @Test func closedStdoutDoesNotEndTheWatch() throws {
        let json = CommandRunner.temporaryFile("watch-closed.json")
        defer { try? FileManager.default.removeItem(at: json) }
        let script = "'\(CommandRunner.executable.path)' watch --interval 100ms --json '\(json.path)' | head -c 1 >/dev/null; "
            + "echo \"status ${PIPESTATUS[0]}\""
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", script]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        try input.fileHandleForWriting.write(contentsOf: Data(Self.lines(0..<2000).utf8))
        Thread.sleep(forTimeInterval: 1)  // status lines go to the closed pipe meanwhile
        try input.fileHandleForWriting.write(contentsOf: Data(Self.lines(2000..<3000).utf8))
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(printed.contains("status 0"), "\(printed)")
        let report = try String(contentsOf: json, encoding: .utf8)
        #expect(report.contains("\"lines_read\": 3000"))
    }

    @Test(.enabled(if: ExternalTool.find("curl") != nil && ExternalTool.find("promtool") != nil,
                   "needs curl and promtool (Debian's curl and prometheus packages)"))
    func servesMetricsThatPromtoolAccepts() throws {
        let metricsFile = CommandRunner.temporaryFile("watch.prom")
        defer { try? FileManager.default.removeItem(at: metricsFile) }
        let watch = try LiveProcess(["watch", "--interval", "300ms", "--window", "3s", "--metrics-listen", "127.0.0.1:0",
                                     "--metrics-file", metricsFile.path])
        try watch.write(Self.lines(0..<3000))
        #expect(watch.wait(upTo: 10) { watch.stderr.contains("/metrics\n") }, "\(watch.stderr)")
        let url = try #require(watch.stderr.components(separatedBy: "serving metrics at ").last?
            .components(separatedBy: "\n").first)
        #expect(url.hasPrefix("http://127.0.0.1:"))

        var scraped = ""
        #expect(watch.wait(upTo: 10) {
            scraped = (try? ExternalTool.run("curl", ["-s", url]).output) ?? ""
            return scraped.contains("graygate_requests_total{cohort=\"gray\"} 300")
        }, "\(scraped)")
        #expect(scraped.contains("graygate_window_requests{cohort=\"normal\"} 2700"))
        #expect(scraped.contains("graygate_last_line_timestamp_seconds "))
        let check = try ExternalTool.run("promtool", ["check", "metrics"], input: scraped)
        #expect(check.status == 0, "\(check.output)")

        try watch.closeInput()
        #expect(watch.exitStatus(within: 20) == 0)
        let written = try String(contentsOf: metricsFile, encoding: .utf8)
        #expect(written.contains("graygate_lines_total{outcome=\"accepted\"} 3000"))
        #expect(written.contains("graygate_verdict{verdict=\"pass\"} 1"))
    }

    @Test func followReadsAcrossRotationUntilSigint() throws {
        let directory = CommandRunner.temporaryFile("follow")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = directory.appendingPathComponent("access.log")
        try Data(Self.lines(0..<1000).utf8).write(to: log)

        let watch = try LiveProcess(["watch", "--interval", "200ms", "--follow", log.path])
        #expect(watch.wait(upTo: 10) { watch.stdout.contains("lines 1,000") })
        try FileManager.default.moveItem(at: log, to: directory.appendingPathComponent("access.log.1"))
        try Data(Self.lines(1000..<1500).utf8).write(to: log)
        #expect(watch.wait(upTo: 10) { watch.stdout.contains("lines 1,500") }, "\(watch.stdout.suffix(300))")
        #expect(watch.stderr.contains("was rotated"))

        watch.process.interrupt()  // SIGINT, as Ctrl-C sends
        #expect(watch.exitStatus(within: 20) == 0)
        #expect(watch.stdout.contains("1500 lines read = 1500 accepted"))
    }

    @Test(arguments: ["--json", "--prometheus", "--metrics-file"])
    func unwritableOutputStopsTheWatchAtStart(flag: String) throws {
        // The input stays open: the error must come before any line is read, not after the verdict.
        let watch = try LiveProcess(["watch", flag, "/nonexistent-graygate-folder/out.txt"])
        #expect(watch.exitStatus(within: 10) == 74)
        #expect(watch.stderr.contains("does not exist"), "\(watch.stderr)")
    }

    @Test func takenMetricsPortIsAnError() throws {
        let first = try LiveProcess(["watch", "--metrics-listen", "127.0.0.1:0"])
        #expect(first.wait(upTo: 10) { first.stderr.contains("/metrics\n") })
        let address = try #require(first.stderr.components(separatedBy: "http://").last?.components(separatedBy: "/metrics").first)
        let second = try CommandRunner.run(["watch", "--metrics-listen", address], stdin: Data())
        #expect(second.status == 74)
        #expect(second.stderr.contains(address), "\(second.stderr)")
        try first.closeInput()
        #expect(first.exitStatus(within: 20) == 2)
    }

    @Test(arguments: [
        (["--window", "5s", "--interval", "10s"], "shorter than the interval"),
        (["--exit-on", "sometimes"], "expected never, fail or decision"),
        (["--interval", "0s"], "invalid duration '0s'"),
        (["--window-clock", "wall"], "expected arrival or log"),
        (["--follow", "a.log", "b.log"], "either --follow FILE or an input"),
        (["--metrics-listen", "example.org:9464"], "invalid address 'example.org:9464'"),
        (["--window-clock", "log"], "--window-clock needs --window"),
    ])
    func rejectsInvalidOptions(arguments: [String], message: String) throws {
        let result = try CommandRunner.run(["watch"] + arguments)
        #expect(result.status == 64)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    /// The values after every occurrence of `key` in JSON text, as written.
    private static func values(of key: String, in json: String) -> [String] {
        json.components(separatedBy: key + ": ").dropFirst().map { String($0.prefix { $0 != "," && $0 != "\n" }) }
    }
}
