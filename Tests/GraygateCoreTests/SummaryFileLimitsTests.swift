import Foundation
import Testing

@testable import GraygateCore

/// A summary file is input from elsewhere: every count, array and string in it is checked before use, so a
/// crafted file gets a `SummaryError` and never an overflow trap or an oversized allocation.
@Suite("Summary file limits")
struct SummaryFileLimitsTests {
    static let directory: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("graygate-summary-limits-\(getpid())")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    /// The summary JSON of a small simulated log with categorical fields and exact latency samples.
    static let summaryJSON: String = {
        var log = Data()
        try? simulate(SimulationParameters(seed: 5, requestCount: 2_000), gzip: false) { log.append(contentsOf: $0) }
        let url = directory.appendingPathComponent("base.jsonl")
        try? log.write(to: url)
        guard let data = try? Analysis(configuration: Configuration(), workerCount: 1).summaryFile(inputs: [url.path]).data,
              let inflater = try? GzipInflater(path: url.path) else { return "" }
        var json = Data()
        try? data.withUnsafeBytes { bytes in try inflater.inflate(bytes) { json.append(contentsOf: $0) } }
        return String(decoding: json, as: UTF8.self)
    }()

    /// Writes `json` gzip-compressed as a summary file and returns its path.
    static func writeSummary(_ json: String, name: String) throws -> String {
        var compressed = Data()
        let writer = try GzipWriter(level: 1)
        try Data(json.utf8).withUnsafeBytes { bytes in try writer.write(bytes) { compressed.append(contentsOf: $0) } }
        try writer.finishMember { compressed.append(contentsOf: $0) }
        let url = directory.appendingPathComponent(name + ".ggs")
        try compressed.write(to: url)
        return url.path
    }

    /// Replaces the `occurrences` first matches of `pattern` in `text`.
    static func replacing(_ pattern: String, with template: String, in text: String, occurrences: Int) throws -> String {
        let regex = try NSRegularExpression(pattern: pattern)
        var result = text
        for _ in 0..<occurrences {
            let range = NSRange(result.startIndex..., in: result)
            guard let match = regex.firstMatch(in: result, range: range), let found = Range(match.range, in: result) else { break }
            let replacement = regex.replacementString(for: match, in: result, offset: 0, template: template)
            result.replaceSubrange(found, with: replacement)
        }
        return result
    }

    static let intMax = String(Int.max)

    /// Each edit: a pattern, its replacement, how many matches to replace. Every one must be rejected.
    static let edits: [(name: String, pattern: String, replacement: String, occurrences: Int)] = [
        // Sums of these overflowed and trapped before the counts were bounded.
        ("missing latency at Int.max", #""latencyMissing":0"#, "\"latencyMissing\":\(intMax)", 1),
        ("requests and errors at Int.max", #""requests":\d+"#, "\"requests\":\(intMax)", 2),
        ("category counts at Int.max", #"(\["[A-Za-z0-9+/=]+",")\d+(")"#, "$1\(intMax)$2", 2),
        ("other category count at Int.max", #""other_count":0"#, "\"other_count\":\(intMax)", 1),
        ("bucket count past the limit", #""zeroCount":0"#, "\"zeroCount\":\(1 << 47)", 1),
        // These were accepted before and could make a later merge or report wrong.
        ("negative joined pieces", #""joinedPieces":0"#, "\"joinedPieces\":-3", 1),
        ("negative evicted events", #""evicted":0"#, "\"evicted\":-1", 1),
        ("negative example limit", #""maxExamples":\d+"#, "\"maxExamples\":-1", 1),
        ("huge example limit", #""maxExamples":\d+"#, "\"maxExamples\":\(intMax)", 1),
        ("bytes read near UInt64.max", #""bytesRead":\d+"#, "\"bytesRead\":\(UInt64.max)", 1),
        ("category limit past 100000", #""max_categories":\d+"#, "\"max_categories\":100001", 1),
    ]

    @Test("crafted counts are rejected", arguments: 0..<edits.count)
    func craftedCounts(index: Int) throws {
        let edit = Self.edits[index]
        let base = Self.summaryJSON
        #expect(base.contains("\"format\":\"graygate-summary\""), "the base summary was not made")
        let edited = try Self.replacing(edit.pattern, with: edit.replacement, in: base, occurrences: edit.occurrences)
        #expect(edited != base, "\(edit.name): the pattern matched nothing, so this case edits nothing")

        let path = try Self.writeSummary(edited, name: "edit-\(index)")
        #expect(throws: SummaryError.self, "\(edit.name)") {
            _ = try Analysis(configuration: Configuration()).run(inputs: [], summaries: [path])
        }
    }

    @Test("unedited summary is accepted")
    func uneditedSummary() throws {
        let path = try Self.writeSummary(Self.summaryJSON, name: "unedited")
        let report = try Analysis(configuration: Configuration()).run(inputs: [], summaries: [path])
        #expect(report.input.linesRead == 2_000)
    }

    @Test("examples beyond the limit are rejected")
    func tooManyExamples() throws {
        // One example more than maxExamples, as the file itself states the limit.
        let example = #"{"inputIndex":0,"chunk":0,"path":"x","line":1,"reason":"invalid_json","detail":"d"}"#
        let limited = try Self.replacing(#""maxExamples":\d+"#, with: "\"maxExamples\":1", in: Self.summaryJSON, occurrences: 1)
        let edited = try Self.replacing(#""examples":\[\]"#, with: "\"examples\":[\(example),\(example)]", in: limited, occurrences: 1)
        #expect(edited.contains("\"detail\":\"d\""), "the summary has no empty examples array to fill")
        let path = try Self.writeSummary(edited, name: "examples")
        #expect(throws: SummaryError.self) {
            _ = try Analysis(configuration: Configuration()).run(inputs: [], summaries: [path])
        }
    }

    @Test("gzip bomb summary stops at the size limit")
    func summaryBomb() throws {
        // 300 MB of spaces deflate to about 300 KB; reading stops once 256 MB are inflated.
        var compressed = Data()
        let writer = try GzipWriter(level: 9)
        let block = [UInt8](repeating: 0x20, count: 1 << 20)
        for _ in 0..<300 {
            try block.withUnsafeBytes { bytes in try writer.write(bytes) { compressed.append(contentsOf: $0) } }
        }
        try writer.finishMember { compressed.append(contentsOf: $0) }
        let url = Self.directory.appendingPathComponent("bomb.ggs")
        try compressed.write(to: url)

        let error = try #require(throws: SummaryError.self) {
            _ = try Analysis(configuration: Configuration()).run(inputs: [], summaries: [url.path])
        }
        #expect(error.problem.contains("inflates to more than 256 MB"), "\(error.problem)")
    }
}
