import Foundation
import Testing

@testable import GraygateCore

/// The fuzz targets' checks (FuzzChecks) on the committed seed corpus and on each input a fuzz run once
/// failed, so that a fixed bug stays fixed. docs/fuzzing.md describes how a crash becomes a case here.
@Suite struct FuzzRegressionTests {
    /// The repository's Fuzz/corpus folder, found from this file's path.
    static let corpusFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz/corpus")

    static func seeds(of target: String) throws -> [(name: String, bytes: [UInt8])] {
        let folder = corpusFolder.appendingPathComponent(target)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        return try names.map { name in
            (name, Array(try Data(contentsOf: folder.appendingPathComponent(name))))
        }
    }

    static func violation(_ target: String, _ bytes: [UInt8]) -> String? {
        bytes.withUnsafeBytes { input in
            switch target {
            case "lines": return FuzzChecks.linesViolation(in: input)
            case "gzip": return FuzzChecks.gzipViolation(in: input)
            case "config": return FuzzChecks.configurationViolation(in: input)
            case "summary": return FuzzChecks.summaryViolation(in: input)
            default: return "unknown fuzz target '\(target)'"
            }
        }
    }

    @Test(arguments: ["lines", "gzip", "config", "summary"])
    func seedCorpusPassesCheck(target: String) throws {
        let seeds = try Self.seeds(of: target)
        #expect(!seeds.isEmpty, "Fuzz/corpus/\(target) has no seeds")
        for (name, bytes) in seeds {
            let violation = Self.violation(target, bytes)
            #expect(violation == nil, "\(target) seed \(name): \(violation ?? "")")
        }
    }

    static func bytes(hex: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            bytes.append(UInt8(hex[index..<next], radix: 16)!)  // Safe: the literals below are hex.
            index = next
        }
        return bytes
    }

    // MARK: - gzip

    /// A log line whose gzip compression, with byte 3 (the header flags) changed to set reserved bits, zlib
    /// rejected and igzip decoded.
    @Test func gzipReservedFlagsCrash() {
        let input = Self.bytes(hex: [
            "7b227473223a22323032362d31322d30345430383a30303a30302e3031385a222c22726571756573745f6964223a2252",
            "65712d31222c22636f686f7274223a226e6f726d616c222c226d6f646500007bef8f1005006e223a2276322e30222c22",
            "6c6174656e63795f6d73223a3136312e32362c22737461747573223a3230302c22657273223a22323032",
        ].joined())
        let violation = Self.violation("gzip", input)
        #expect(violation == nil, "\(violation ?? "")")
    }

    @Test func gzipReservedFlagsRejectedByEveryDecoder() throws {
        for flags: UInt8 in [0x20, 0x40, 0x80, 0xE0] {
            var member = try Array("{\"cohort\":\"gray\"}\n".utf8).withUnsafeBytes { try FuzzChecks.gzipCompressed($0) }
            member[3] |= flags
            for (name, result) in FuzzChecks.decodeWithEveryDecoder(member) {
                #expect(result.error is InputError, "\(name) with flags 0x\(String(flags, radix: 16)): \(result.error.map { "\($0)" } ?? "no error")")
                #expect(result.output.isEmpty, "\(name) with flags 0x\(String(flags, radix: 16)) produced \(result.output.count) bytes")
            }
        }
    }

    // MARK: - summary

    /// Returns the committed seed summary (the JSON of `graygate summarize` over 40 lines) with `edit` applied.
    static func editedSummary(_ edit: (inout [String: Any]) -> Void) throws -> [UInt8] {
        let url = corpusFolder.appendingPathComponent("summary/forty-lines.json")
        var document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        edit(&document)
        return Array(try JSONSerialization.data(withJSONObject: document))
    }

    /// Sets the value at `path` (keys through nested objects) in a JSON document.
    static func set(_ value: Any, at path: [String], in document: inout [String: Any]) {
        guard let key = path.first else { return }
        if path.count == 1 {
            document[key] = value
            return
        }
        var inner = document[key] as? [String: Any] ?? [:]
        set(value, at: Array(path.dropFirst()), in: &inner)
        document[key] = inner
    }

    /// Crafted summaries whose counts add up past `Int.max`, and one whose unused sketch has a zero grid step.
    /// All but the bucket-counts case trapped in the consistency checks before they used overflow-reporting sums
    /// and compared the sketch's layout first.
    static let overflowingSummaries: [(name: String, path: [String], json: String)] = [
        ("category counts", ["summary", "input", "unassigned", "values"], #"[["YQ==", "9223372036854775807"], ["Yg==", "1"]]"#),
        ("category other count", ["summary", "input", "unassigned", "values"], #"[["YQ==", "2"]]"#),
        ("line counts", ["summary", "input", "acceptedLines"], "9223372036854775807"),
        ("sketch totals", ["summary", "gray", "latency", "sketch", "positive"],
         #"{"offset": 0, "counts": [9223372036854775807], "total": 9223372036854775807}"#),
        ("bucket counts", ["summary", "gray", "latency", "sketch", "negative"],
         #"{"offset": 0, "counts": [9223372036854775807, 9223372036854775807, 2], "total": 0}"#),
        ("unused sketch layout", ["summary", "gray", "latency", "sketch", "layout", "logGamma"], "0"),
    ]

    @Test(arguments: overflowingSummaries.indices)
    func summaryOverflowRejected(case index: Int) throws {
        let (name, path, json) = Self.overflowingSummaries[index]
        let value = try JSONSerialization.jsonObject(with: Data(json.utf8), options: .fragmentsAllowed)
        let input = try Self.editedSummary { document in
            Self.set(value, at: path, in: &document)
            // The other half of each overflowing sum.
            Self.set(1, at: ["summary", "input", "blankLines"], in: &document)
            Self.set(1, at: ["summary", "gray", "latency", "sketch", "zeroCount"], in: &document)
            if name == "category other count" {
                Self.set(Int.max, at: ["summary", "input", "unassigned", "other_count"], in: &document)
            }
        }
        let violation = Self.violation("summary", input)
        #expect(violation == nil, "\(name): \(violation ?? "")")

        let compressed = try input.withUnsafeBytes { try FuzzChecks.gzipCompressed($0) }
        #expect(throws: SummaryError.self, "\(name)") {
            try SummaryFile.decode(Data(compressed), path: "crafted.ggs", configuration: Configuration())
        }
    }
}
