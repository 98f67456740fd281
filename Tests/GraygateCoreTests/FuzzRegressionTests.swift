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
}
