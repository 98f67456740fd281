import Foundation
import Testing

@testable import GraygateCore

/// Random damage to a valid log never crashes graygate, every line is accounted for, and the lines the
/// damage did not touch give exactly the figures they gave before.
///
/// Framing and scanning are line-local, so a log's summary equals the merge of the summaries of any
/// split of its lines. Each case damages a few lines, then requires the summary of the damaged log to
/// equal the merge of the summary of the untouched lines and the summary of the damaged lines read alone.
struct MutationPropertyTests {
    /// The mutations applied, each to one line picked at random.
    enum Mutation: CaseIterable {
        case truncateLog
        case flipBytes
        case insertNUL
        case duplicateKey
        case cutMultibyteCharacter
        case cutEscape
        case insertNewline
    }

    private static let cases = 42

    private static func log() throws -> [[UInt8]] {
        var bytes: [UInt8] = []
        try simulate(SimulationParameters(seed: 77, requestCount: 1_500, grayShare: 0.3), gzip: false) { bytes.append(contentsOf: $0) }
        return bytes.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast().map(Array.init)
    }

    /// Damages one line; returns the damaged bytes, which may span several lines or none.
    private static func damage(_ line: [UInt8], with mutation: Mutation, using generator: inout Xoshiro256StarStar) -> [UInt8] {
        let position = Int(generator.next() % UInt64(max(1, line.count)))
        var damaged = line
        switch mutation {
        case .truncateLog:
            damaged = Array(line.prefix(position))
        case .flipBytes:
            for _ in 0..<(1 + Int(generator.next() % 4)) {
                let index = Int(generator.next() % UInt64(line.count))
                damaged[index] ^= UInt8(truncatingIfNeeded: 1 + generator.next() % 255)
            }
        case .insertNUL:
            damaged.insert(0, at: position)
        case .duplicateKey:
            // A second latency after the first: the last value wins, as JSON parsers commonly do.
            let text = String(decoding: line, as: UTF8.self)
            damaged = Array(text.replacingOccurrences(of: "\"status\":", with: "\"latency_ms\":1.5,\"status\":").utf8)
        case .cutMultibyteCharacter:
            // "é" is two bytes in UTF-8; only its first byte is kept, inside the label string.
            let text = String(decoding: line, as: UTF8.self)
            damaged = Array(text.replacingOccurrences(of: "\"label\":\"", with: "\"label\":\"x").utf8)
            if let labelStart = damaged.firstIndex(of: UInt8(ascii: "x")) {
                damaged[labelStart] = 0xC3
            }
        case .cutEscape:
            let text = String(decoding: line, as: UTF8.self)
            damaged = Array(text.replacingOccurrences(of: "\"label\":\"", with: "\"label\":\"\\u00").utf8)
        case .insertNewline:
            damaged.insert(0x0A, at: position)
        }
        return damaged
    }

    private static func summary(of text: [UInt8], workers: Int = 1, in directory: TemporaryDirectory,
                                name: String) throws -> LogSummary {
        let path = directory.path + "/" + name
        try Data(text).write(to: URL(fileURLWithPath: path))
        return try Analysis(configuration: Configuration(), workerCount: workers).summarize(inputs: [path]).0
    }

    private static func joined(_ lines: [[UInt8]], terminated: Bool = true) -> [UInt8] {
        var bytes = lines.joined(separator: [0x0A]).map { $0 }
        if terminated && !lines.isEmpty { bytes.append(0x0A) }
        return bytes
    }

    /// The figures compared: every count of the accounting and each cohort's report.
    private struct Figures: Equatable {
        var counts: [Int]
        var rejectedByReason: [String: Int]
        var cohorts: [CohortReport]
    }

    private static func figures(_ summary: LogSummary) -> Figures {
        let report = ReportBuilder.build(summary: summary, configuration: Configuration(), files: [])
        let input = report.input
        return Figures(counts: [input.linesRead, input.acceptedLines, input.rejectedLines, input.blankLines],
                       rejectedByReason: input.rejectedByReason, cohorts: report.cohorts)
    }

    @Test("damaged lines leave the other lines' figures unchanged", arguments: 0..<cases)
    func damageStaysLocal(seed: Int) throws {
        let lines = try Self.log()
        var generator = Xoshiro256StarStar(seed: UInt64(1000 + seed))
        let mutation = Mutation.allCases[seed % Mutation.allCases.count]
        let directory = try TemporaryDirectory()

        // Truncation cuts the log inside its last line; the other mutations damage up to three lines.
        let picked: [Int] = mutation == .truncateLog
            ? [lines.count - 1]
            : Array(Set((0..<3).map { _ in Int(generator.next() % UInt64(lines.count)) })).sorted()
        var damagedLines = lines
        var damagedSegment: [[UInt8]] = []
        for index in picked {
            damagedLines[index] = Self.damage(lines[index], with: mutation, using: &generator)
            damagedSegment.append(damagedLines[index])
        }
        let untouched = lines.indices.filter { !picked.contains($0) }.map { lines[$0] }
        let isTruncated = mutation == .truncateLog

        let damagedLog = Self.joined(damagedLines, terminated: !isTruncated)
        let whole = try Self.summary(of: damagedLog, in: directory, name: "whole.jsonl")
        let parallel = try Self.summary(of: damagedLog, workers: 2, in: directory, name: "parallel.jsonl")
        var expected = try Self.summary(of: Self.joined(untouched), in: directory, name: "untouched.jsonl")
        expected.merge(try Self.summary(of: Self.joined(damagedSegment, terminated: !isTruncated), in: directory,
                                        name: "segment.jsonl"))

        // Every physical line is accounted for once.
        let physicalLines = damagedLog.split(separator: 0x0A, omittingEmptySubsequences: false).count
            - (damagedLog.last == 0x0A ? 1 : 0)
        #expect(whole.input.linesRead == physicalLines, "\(mutation)")
        #expect(whole.input.linesRead == whole.input.acceptedLines + whole.input.rejectedLines + whole.input.blankLines)
        let wholeFigures = Self.figures(whole)
        #expect(wholeFigures == Self.figures(expected), "\(mutation) at lines \(picked)")
        #expect(Self.figures(parallel) == wholeFigures, "\(mutation): 2 workers")
    }

    @Test("gzip members split anywhere read as the plain log", arguments: 0..<8)
    func gzipMembersSplitAnywhere(seed: Int) throws {
        let text = Self.joined(try Self.log())
        var generator = Xoshiro256StarStar(seed: UInt64(2000 + seed))
        var cuts = (0..<(1 + Int(generator.next() % 5))).map { _ in Int(generator.next() % UInt64(text.count)) }
        cuts = Array(Set(cuts)).sorted()
        var gzip: [UInt8] = []
        var start = 0
        for cut in cuts + [text.count] where cut > start {
            gzip += GzipFixture.member(Array(text[start..<cut]))
            start = cut
        }
        let directory = try TemporaryDirectory()
        let plain = try Self.summary(of: text, in: directory, name: "plain.jsonl")
        let members = try Self.summary(of: gzip, workers: 2, in: directory, name: "members.jsonl.gz")
        #expect(Self.figures(members) == Self.figures(plain), "cuts \(cuts)")
    }

    @Test("CRI-wrapped damaged log reads as the damaged bare log", arguments: 0..<6)
    func wrappedDamage(seed: Int) throws {
        let lines = try Self.log()
        var generator = Xoshiro256StarStar(seed: UInt64(3000 + seed))
        let mutation: Mutation = [.flipBytes, .insertNUL, .cutEscape][seed % 3]
        var damagedLines = lines
        let index = Int(generator.next() % UInt64(lines.count))
        damagedLines[index] = Self.damage(lines[index], with: mutation, using: &generator)
        let bare = Self.joined(damagedLines)
        let wrapped = Self.joined(bare.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast().map { line in
            Array("2026-12-04T08:00:00.000000001Z stdout F ".utf8) + line
        })
        let directory = try TemporaryDirectory()
        let plain = try Self.summary(of: bare, in: directory, name: "bare.jsonl")
        let cri = try Self.summary(of: wrapped, workers: 2, in: directory, name: "cri.log")
        #expect(Self.figures(cri) == Self.figures(plain), "\(mutation)")
    }
}
