import Foundation
import Testing

@testable import GraygateCore

/// Logs wrapped by a container runtime (CRI, Docker json-file) must give the report of the bare log.
@Suite("Wrapped input")
struct WrappedInputTests {
    static let fixtures = ReferenceVectors.packageRoot.appendingPathComponent("fixtures")

    /// A simulated log as lines; every 97th line is padded past the runtimes' 16 KiB piece size with a field
    /// graygate does not read, so it is split into several pieces.
    static func simulatedLines(seed: UInt64, requests: Int = 4000) throws -> [[UInt8]] {
        var bytes: [UInt8] = []
        try simulate(SimulationParameters(seed: seed, requestCount: requests, latencyShift: 0.02), gzip: false) {
            bytes.append(contentsOf: $0)
        }
        var lines = bytes.split(separator: 0x0A).map { Array($0) }
        for index in stride(from: 0, to: lines.count, by: 97) {
            let padding = Array(#"{"pad":""#.utf8) + Array(repeating: UInt8(ascii: "x"), count: 40_000) + Array(#"","#.utf8)
            lines[index] = padding + lines[index].dropFirst()
        }
        return lines
    }

    static func joined(_ lines: [[UInt8]]) -> [UInt8] {
        lines.flatMap { $0 + [0x0A] }
    }

    static func analyze(_ path: String, workers: Int = 2, chunkSize: Int = 1 << 20,
                        configuration: Configuration = Configuration()) throws -> Report {
        try ParallelPipelineTests.report([path], workers: workers, chunkSize: chunkSize, configuration: configuration)
    }

    /// The report without what must differ between a wrapped log and its bare lines.
    static func comparable(_ report: Report) -> Report {
        var copy = report
        copy.input.files = []
        copy.input.bytesRead = 0
        copy.input.joinedPieces = 0
        return copy
    }

    static func configuration(wrapper: LogWrapper = .automatic, maxLineBytes: Int? = nil) -> Configuration {
        var configuration = Configuration()
        configuration.input.wrapper = wrapper
        if let maxLineBytes { configuration.input.maxLineBytes = maxLineBytes }
        return configuration
    }

    static let workerAndChunkSizes = [(1, 1 << 20), (2, 4096), (4, 700), (2, 1)]

    // MARK: - Same report as the bare log

    @Test("wrapped log gives the bare report", arguments: [ContainerLogWriter.Format.cri, .docker], workerAndChunkSizes)
    func sameReportAsBare(format: ContainerLogWriter.Format, sizes: (Int, Int)) throws {
        let (workers, chunkSize) = sizes
        let lines = try Self.simulatedLines(seed: 41)
        let directory = try TemporaryDirectory()
        let bare = try directory.write(Self.joined(lines), named: "bare.jsonl")
        let (wrappedBytes, physicalLines) = ContainerLogWriter(format: format, seed: 7).wrap(lines)
        let wrapped = try directory.write(wrappedBytes, named: "wrapped.log")

        let expected = try Self.analyze(bare, workers: 1)
        let report = try Self.analyze(wrapped, workers: workers, chunkSize: chunkSize)
        #expect(Self.comparable(report) == Self.comparable(expected))
        #expect(report.input.linesRead == lines.count)
        #expect(report.input.linesRead + report.input.joinedPieces == physicalLines)
        #expect(report.input.joinedPieces > lines.count / 10, "the writer splits about one line in five")
        #expect(report.input.isReconciled)
    }

    @Test("explicit wrapper equals auto-detection", arguments: [
        (ContainerLogWriter.Format.cri, LogWrapper.cri), (.docker, .docker),
    ])
    func explicitWrapper(format: ContainerLogWriter.Format, wrapper: LogWrapper) throws {
        let lines = try Self.simulatedLines(seed: 42, requests: 1500)
        let directory = try TemporaryDirectory()
        let path = try directory.write(ContainerLogWriter(format: format, seed: 8).wrap(lines).bytes, named: "wrapped.log")

        let detected = try Self.analyze(path)
        let explicit = try Self.analyze(path, configuration: Self.configuration(wrapper: wrapper))
        #expect(explicit == detected)
        #expect(explicit.input.acceptedLines == lines.count)
    }

    @Test("gzip wrapped log gives the bare report", arguments: [ContainerLogWriter.Format.cri, .docker])
    func gzipWrapped(format: ContainerLogWriter.Format) throws {
        let lines = try Self.simulatedLines(seed: 43, requests: 3000)
        let (wrappedBytes, physicalLines) = ContainerLogWriter(format: format, seed: 9).wrap(lines)
        var compressed: [UInt8] = []
        let writer = try GzipWriter(level: 1)
        // Two members, as concatenated rotated files have.
        let half = wrappedBytes.count / 2
        for part in [wrappedBytes[..<half], wrappedBytes[half...]] {
            try part.withUnsafeBytes { try writer.write($0) { compressed.append(contentsOf: $0) } }
            try writer.finishMember { compressed.append(contentsOf: $0) }
        }
        let directory = try TemporaryDirectory()
        let bare = try directory.write(Self.joined(lines), named: "bare.jsonl")
        let wrapped = try directory.write(compressed, named: "wrapped.log.gz")

        let report = try Self.analyze(wrapped, workers: 2, chunkSize: 3000)
        #expect(Self.comparable(report) == Self.comparable(try Self.analyze(bare)))
        #expect(report.input.linesRead + report.input.joinedPieces == physicalLines)
        #expect(report.input.damage.isEmpty)
    }

    @Test("wrapped fixtures give the healthy report", arguments: ["healthy.cri.log.gz", "healthy.docker.log.gz"])
    func wrappedFixtures(name: String) throws {
        let healthy = try Self.analyze(Self.fixtures.appendingPathComponent("healthy.jsonl.gz").path)
        let wrapped = try Self.analyze(Self.fixtures.appendingPathComponent("wrapped/\(name)").path)
        #expect(Self.comparable(wrapped) == Self.comparable(healthy))
        #expect(wrapped.verdict == .pass)
        #expect(wrapped.input.joinedPieces > 0)
    }

    // MARK: - Detection

    @Test("detects the wrapper from a line", arguments: [
        ("2026-12-04T08:00:00.123456789Z stdout F {\"cohort\":\"gray\"}", LogWrapper.cri),
        ("2026-12-04T08:00:00.123456789+01:00 stderr P {\"coh", .cri),
        ("2026-12-04T08:00:00Z stdout F:x {}", .cri),
        (#"{"log":"{\"cohort\":\"gray\"}\n","stream":"stdout","time":"2026-12-04T08:00:00Z"}"#, .docker),
        (#"{"log":"partial","stream":"stderr"}"#, .docker),
        (#"{"stream":"stdout","log":"x\n"}"#, LogWrapper.none),
        (#"{"log":"x\n"}"#, LogWrapper.none),
        (#"{"cohort":"gray","latency_ms":12}"#, LogWrapper.none),
        ("2026-12-04 08:00:00 stdout F {}", LogWrapper.none),
        ("2026-12-04T08:00:00Z stdin F {}", LogWrapper.none),
        ("2026-12-04T08:00:00Z stdout X {}", LogWrapper.none),
        ("not a log line", LogWrapper.none),
    ])
    func detection(line: String, expected: LogWrapper) {
        let detected = Array(line.utf8).withUnsafeBytes { LogWrapper.detect(firstLine: $0) }
        #expect(detected == expected, "\(line)")
    }

    @Test("blank lines leave the wrapper undecided")
    func blankLinesUndecided() {
        for line in ["", "  ", "\t\r"] {
            let detected = Array(line.utf8).withUnsafeBytes { LogWrapper.detect(firstLine: $0) }
            #expect(detected == nil, "\(line.debugDescription)")
        }
    }

    @Test("auto decides after leading blank lines", arguments: [(1, 1 << 20), (2, 1)])
    func autoAfterBlankLines(workers: Int, chunkSize: Int) throws {
        let text = "\n\n" + Self.criLines([
            "stdout P {\"cohort\":\"gray\",", "stdout F \"latency_ms\":12}", "stdout F {\"cohort\":\"normal\",\"latency_ms\":9}",
        ])
        let directory = try TemporaryDirectory()
        let path = try directory.write(Array(text.utf8), named: "blank-start.log")
        let report = try Self.analyze(path, workers: workers, chunkSize: chunkSize)
        #expect(report.input.blankLines == 2)
        #expect(report.input.acceptedLines == 2)
        #expect(report.input.joinedPieces == 1)
    }

    // MARK: - Rejections

    /// CRI lines from `stream tag payload` entries, with a time in front.
    static func criLines(_ entries: [String]) -> String {
        entries.enumerated().map { index, entry in
            "2026-12-04T08:00:\(index % 60 < 10 ? "0" : "")\(index % 60).000000000Z \(entry)\n"
        }.joined()
    }

    @Test("explicit wrapper rejects other lines", arguments: [
        (LogWrapper.cri, "bare", "not a CRI log line"),
        (.cri, "docker", "not a CRI log line"),
        (.docker, "bare", "not a Docker json-file record"),
        (.docker, "cri", "not a Docker json-file record"),
    ])
    func explicitWrapperRejects(wrapper: LogWrapper, source: String, detail: String) throws {
        let lines = try Self.simulatedLines(seed: 44, requests: 300).map { Array($0.prefix(400)) }
        let bytes: [UInt8]
        switch source {
        case "docker": bytes = ContainerLogWriter(format: .docker, randomSplitShare: 0, stderrShare: 0).wrap(lines).bytes
        case "cri": bytes = ContainerLogWriter(format: .cri, randomSplitShare: 0, stderrShare: 0).wrap(lines).bytes
        default: bytes = Self.joined(lines)
        }
        let directory = try TemporaryDirectory()
        let path = try directory.write(bytes, named: "\(source).log")

        let report = try Self.analyze(path, configuration: Self.configuration(wrapper: wrapper))
        #expect(report.input.linesRead == lines.count)
        #expect(report.input.rejectedByReason == ["invalid_wrapper": lines.count])
        #expect(report.input.rejectedExamples.prefix(3).map(\.line) == [1, 2, 3])
        #expect(report.input.rejectedExamples.first?.detail.hasPrefix(detail + ": ") == true)
        #expect(report.verdict == .invalid)
    }

    @Test("rejected lines keep the first piece's number", arguments: [(1, 1 << 20), (2, 64), (3, 7), (2, 1)])
    func rejectedLineNumbers(workers: Int, chunkSize: Int) throws {
        let text = Self.criLines([
            "stdout F {\"cohort\":\"normal\",\"latency_ms\":10}",  // 1
            "stdout P {\"cohort\":\"gray\",",  // 2: joined with 4, invalid JSON
            "stderr F {\"cohort\":\"normal\",\"latency_ms\":11}",  // 3
            "stdout F oops}",  // 4
            "this line has no CRI prefix",  // 5
            "stderr P {\"cohort\":\"gray\",",  // 6: joined with 8
            "stdout F {\"cohort\":\"normal\",\"latency_ms\":12}",  // 7
            "stderr F \"latency_ms\":13}",  // 8
            "stdout P {\"cohort\":\"gray\",",  // 9: never finished
            "stderr F {\"cohort\":\"normal\",\"latency_ms\":14}",  // 10
            "stdout P \"latency_ms\":",  // 11
        ])
        let directory = try TemporaryDirectory()
        let path = try directory.write(Array(text.utf8), named: "numbers.log")

        let report = try Self.analyze(path, workers: workers, chunkSize: chunkSize)
        #expect(report.input.rejectedExamples.map(\.line) == [2, 5, 9])
        #expect(report.input.rejectedExamples.map(\.reason) == [.invalidJSON, .invalidWrapper, .unfinishedLine])
        #expect(report.input.rejectedExamples.last?.detail == "2 partial pieces of 30 bytes, and the input ended before the final piece")
        #expect(report.input.linesRead == 8)
        #expect(report.input.acceptedLines == 5)
        #expect(report.input.joinedPieces == 3)
        #expect(report.input.isReconciled)
    }

    @Test("joined line over the limit is rejected", arguments: [(1, 1 << 20), (2, 64), (2, 7), (4, 1)])
    func joinedLineTooLong(workers: Int, chunkSize: Int) throws {
        // Pieces of 50 bytes: physical lines stay under the limit of 100, and the third piece passes it. The
        // stderr line comes before the pieces, because lines between them count toward the span limit.
        let long = #"{"cohort":"gray","latency_ms":10,"pad":""# + String(repeating: "x", count: 200) + #""}"#
        var pieces = stride(from: 0, to: long.count, by: 50).map { offset in
            String(long.dropFirst(offset).prefix(50))
        }
        let last = pieces.removeLast()
        var entries = ["stdout F {\"cohort\":\"normal\",\"latency_ms\":10}"]
        entries += pieces.map { "stdout P " + $0 }
        entries.insert("stderr F {\"cohort\":\"gray\",\"latency_ms\":11}", at: 1)
        entries += ["stdout F " + last, "stdout F {\"cohort\":\"normal\",\"latency_ms\":12}"]
        let directory = try TemporaryDirectory()
        let path = try directory.write(Array(Self.criLines(entries).utf8), named: "long.log")

        let report = try Self.analyze(path, workers: workers, chunkSize: chunkSize,
                                      configuration: Self.configuration(maxLineBytes: 100))
        #expect(report.input.rejectedByReason == ["line_too_long": 1])
        #expect(report.input.rejectedExamples.first?.line == 3)
        #expect(report.input.rejectedExamples.first?.detail == "150 bytes after joining 3 pieces, over the limit of 100 (input.max_line_bytes)")
        #expect(report.input.acceptedLines == 3)
        #expect(report.input.joinedPieces == pieces.count)
        #expect(report.input.linesRead + report.input.joinedPieces == entries.count)
    }

    @Test("line spread too far is rejected", arguments: [(1, 1 << 20), (2, 64), (2, 7), (4, 1)])
    func lineSpreadTooFar(workers: Int, chunkSize: Int) throws {
        // With a limit of 100 bytes, a line whose pieces spread over more than 200 bytes of input is abandoned.
        var entries = ["stdout F {\"cohort\":\"normal\",\"latency_ms\":10}", "stderr P {\"cohort\":\"gray\","]
        entries += Array(repeating: "stdout F {\"cohort\":\"normal\",\"latency_ms\":10}", count: 4)
        entries += ["stderr F \"latency_ms\":5}", "stderr F {\"cohort\":\"gray\",\"latency_ms\":6}"]
        let directory = try TemporaryDirectory()
        let path = try directory.write(Array(Self.criLines(entries).utf8), named: "spread.log")

        let report = try Self.analyze(path, workers: workers, chunkSize: chunkSize,
                                      configuration: Self.configuration(maxLineBytes: 100))
        #expect(report.input.rejectedByReason == ["line_too_long": 1])
        #expect(report.input.rejectedExamples.first?.line == 2)
        #expect(report.input.rejectedExamples.first?.detail.contains("spread over more than 200 bytes of input") == true)
        #expect(report.input.acceptedLines == 6)
        #expect(report.input.joinedPieces == 1)
    }

    @Test("overlapping open lines keep the accounting", arguments: [1 << 20, 4096, 300, 64, 1])
    func overlappingOpenLines(chunkSize: Int) throws {
        // Each stream opens its next line before the other closes its own, so no place in the input is free of
        // open lines, and the reader has to cut inside them once its buffer reaches the bound.
        var entries: [String] = []
        for _ in 0..<150 {
            entries += ["stdout P {\"cohort\":\"gray\",", "stderr F \"latency_ms\":7}",
                        "stderr P {\"cohort\":\"normal\",", "stdout F \"latency_ms\":8}"]
        }
        entries = ["stderr P {\"cohort\":\"normal\","] + entries + ["stderr F \"latency_ms\":9}"]
        let directory = try TemporaryDirectory()
        let path = try directory.write(Array(Self.criLines(entries).utf8), named: "overlap.log")

        let report = try Self.analyze(path, workers: 2, chunkSize: chunkSize, configuration: Self.configuration(maxLineBytes: 100))
        #expect(report.input.linesRead + report.input.joinedPieces == entries.count)
        #expect(report.input.isReconciled)
        #expect(Set(report.input.rejectedByReason.keys).isSubset(of: ["line_too_long"]))
        if chunkSize >= entries.count * 60 {
            // One chunk contains the whole input, so no cut falls inside a line.
            #expect(report.input.acceptedLines == 301)
        } else {
            #expect(report.input.rejectedLines > 0, "the reader cut inside open lines")
        }
    }

    // MARK: - Pieces

    /// Unwraps `lines` and describes each logical line: its number and payload, or its rejection.
    static func unwrap(_ lines: [String], wrapper: LogWrapper, maxLineLength: Int = 1 << 20) -> [String] {
        var framer = LineFramer(maxLineLength: maxLineLength)
        var unwrapper = LineUnwrapper(wrapper: wrapper, maxLineLength: maxLineLength)
        var output: [String] = []
        let describe = { (line: LogicalLine) in
            switch line {
            case .line(let bytes, let number): output.append("\(number): \(String(decoding: bytes, as: UTF8.self))")
            case .rejected(let number, let reason, _): output.append("\(number): \(reason.rawValue)")
            }
        }
        Array(lines.map { $0 + "\n" }.joined().utf8).withUnsafeBytes { bytes in
            framer.feed(bytes) { unwrapper.feed($0, describe) }
        }
        framer.finish { unwrapper.feed($0, describe) }
        unwrapper.finish(describe)
        return output
    }

    @Test("Docker payloads are decoded and joined")
    func dockerPayloads() {
        let output = Self.unwrap([
            #"{"log":"{\"a\":\"\u00e9\\\\\"}\n","stream":"stdout","time":"t"}"#,
            #"{"log":"part one \\n","stream":"stdout"}"#,
            #"{"log":"and two\u000a","stream":"stdout"}"#,
            #"{"time":"t","stream":"stderr","log":"\n"}"#,
            #"{"log":42,"stream":"stdout"}"#,
            #"{"log":"x\n","stream":"stdin"}"#,
            #"{"log":"x\n"}"#,
        ], wrapper: .docker)
        #expect(output == [
            #"1: {"a":"é\\"}"#,
            #"2: part one \nand two"#,
            "4: ",
            "5: invalid_wrapper",
            "6: invalid_wrapper",
            "7: invalid_wrapper",
        ])
    }

    @Test("CRI pieces are joined per stream")
    func criPieces() {
        let output = Self.unwrap([
            "2026-12-04T08:00:00.1Z stdout P ab",
            "2026-12-04T08:00:00.2+02:00 stderr P 12",
            "2026-12-04T08:00:00.3Z stdout F:extra cd",
            "2026-12-04T08:00:00.4Z stderr F 34",
            "2026-12-04T08:00:00.5Z stdout F ",
            "2026-12-04T08:00:00.6Z stdout F",
            "",
            "2026-12-04T08:00:00.7Z stdout P tail",
        ], wrapper: .cri)
        #expect(output == ["1: abcd", "2: 1234", "5: ", "6: invalid_wrapper", "7: ", "8: unfinished_line"])
    }

    // MARK: - Watch

    @Test("watch joins wrapped live input", arguments: [ContainerLogWriter.Format.cri, .docker])
    func watchWrappedInput(format: ContainerLogWriter.Format) throws {
        let lines = try Self.simulatedLines(seed: 45, requests: 3000)
        let (wrapped, physicalLines) = ContainerLogWriter(format: format, seed: 10).wrap(lines)
        let directory = try TemporaryDirectory()
        let expected = try Self.analyze(try directory.write(Self.joined(lines), named: "bare.jsonl"))

        var settings = WatchSettings()
        settings.intervalSeconds = 1
        let session = WatchSession(configuration: Configuration(), settings: settings, inputName: "-", startSeconds: 0)
        var generator = Xoshiro256StarStar(seed: 11)
        var offset = 0
        var clock = 0.0
        while offset < wrapped.count {
            // Reads of random size, as a pipe delivers them, cut lines and pieces anywhere.
            let length = min(wrapped.count - offset, 1 + Int(generator.next() % 9000))
            wrapped.withUnsafeBytes { session.consume(UnsafeRawBufferPointer(rebasing: $0[offset..<(offset + length)]), at: clock) }
            offset += length
            clock += 0.1
        }
        session.finish(at: clock)
        let watched = session.look(at: clock).report

        #expect(watched.cohorts == expected.cohorts)
        #expect(watched.input.linesRead == lines.count)
        #expect(watched.input.acceptedLines == lines.count)
        #expect(watched.input.joinedPieces == physicalLines - lines.count)
        #expect(session.linesRead == lines.count)
    }
}
