import Foundation
import Testing

@Suite("graygate analyze --prometheus")
struct PrometheusOutputTests {
    /// Makes an empty folder, as node_exporter's textfile collector reads one.
    static func makeFolder(_ name: String) throws -> URL {
        let folder = CommandRunner.temporaryFile(name)
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test("writes metrics beside the text report")
    func writesMetricsFile() throws {
        let folder = try Self.makeFolder("textfile")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("graygate.prom")

        let result = try CommandRunner.run(["analyze", "--prometheus", path.path, "fixtures/drifted-model.jsonl.gz"])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stdout.contains("FAIL"))

        let text = try String(contentsOf: path, encoding: .utf8)
        #expect(text.hasPrefix("# HELP graygate_build_info "))
        #expect(text.contains("\ngraygate_verdict{verdict=\"fail\"} 1\n"))
        #expect(text.contains("\ngraygate_check_state{check=\"drift.score\",state=\"fail\"} 1\n"))
        #expect(text.contains("\ngraygate_requests_total{cohort=\"gray\"} 2010\n"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["graygate.prom"])
    }

    /// node_exporter may read the file at any moment, so a second run must replace it whole, by a rename.
    @Test("replaces the file by a rename")
    func replacesByRename() throws {
        let folder = try Self.makeFolder("textfile-rename")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("graygate.prom")

        let first = try CommandRunner.run(["analyze", "-q", "--prometheus", path.path, "fixtures/healthy.jsonl.gz"])
        #expect(first.status == 0, "\(first.stderr)")
        let firstInode = try FileManager.default.attributesOfItem(atPath: path.path)[.systemFileNumber] as? Int

        let second = try CommandRunner.run(["analyze", "-q", "--prometheus", path.path, "fixtures/error-regression.jsonl.gz"])
        #expect(second.status == 1, "\(second.stderr)")
        let secondInode = try FileManager.default.attributesOfItem(atPath: path.path)[.systemFileNumber] as? Int

        #expect(firstInode != nil)
        #expect(firstInode != secondInode, "the file was rewritten in place, not replaced")
        let text = try String(contentsOf: path, encoding: .utf8)
        #expect(text.contains("\ngraygate_verdict{verdict=\"fail\"} 1\n"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["graygate.prom"])
    }

    @Test("dash writes to standard output")
    func writesStandardOutput() throws {
        let result = try CommandRunner.run(["analyze", "--prometheus", "-", "fixtures/healthy.jsonl.gz"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("# HELP graygate_build_info "))
        #expect(result.stdout.contains("\ngraygate_verdict{verdict=\"pass\"} 1\n"))
        #expect(!result.stdout.contains("PASS"), "the text report must not mix into the metrics")
    }

    @Test("clashing outputs are usage errors", arguments: [
        (["--prometheus", "-", "--json", "-"], "only one of --json, --junit, --markdown and --prometheus can write to standard output"),
        (["--prometheus", "/tmp/same.prom", "--markdown", "/tmp/same.prom"], "--json, --junit, --markdown and --prometheus need different files"),
        (["--prometheus"], "option '--prometheus' needs a value"),
    ] as [([String], String)])
    func clashingOutputs(arguments: [String], message: String) throws {
        let result = try CommandRunner.run(["analyze"] + arguments)
        #expect(result.status == 64)
        #expect(result.stderr.contains("Error: \(message)"), "\(result.stderr)")
    }

    @Test("help describes the option")
    func helpText() throws {
        let result = try CommandRunner.run(["analyze", "--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("--prometheus FILE"))
        #expect(result.stdout.contains("textfile collector"))
    }
}
