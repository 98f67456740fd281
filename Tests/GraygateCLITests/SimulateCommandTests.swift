import Foundation
import Testing

@Suite("graygate simulate")
struct SimulateCommandTests {
    @Test("same seed gives the same bytes")
    func deterministic() throws {
        let first = try CommandRunner.run(["simulate", "--requests", "500", "--seed", "42"])
        let second = try CommandRunner.run(["simulate", "--requests", "500", "--seed", "42"])
        let other = try CommandRunner.run(["simulate", "--requests", "500", "--seed", "43"])
        #expect(first.status == 0)
        #expect(first.stdoutData == second.stdoutData)
        #expect(first.stdoutData != other.stdoutData)
        #expect(first.stdout.split(separator: "\n").count == 500)
    }

    @Test("gzip file analyzes like the plain stream")
    func gzipFile() throws {
        let path = CommandRunner.temporaryFile("sim.jsonl.gz")
        defer { try? FileManager.default.removeItem(at: path) }
        let written = try CommandRunner.run(["simulate", "--requests", "3000", "--seed", "5", "--gzip", "--gzip-members", "4",
                                             "--latency-shift", "0.3", "-o", path.path])
        #expect(written.status == 0)
        #expect(written.stdout.isEmpty)
        let magic = try Data(contentsOf: path).prefix(2)
        #expect(magic == Data([0x1F, 0x8B]))

        let plain = try CommandRunner.run(["simulate", "--requests", "3000", "--seed", "5", "--latency-shift", "0.3"])
        let fromFile = try CommandRunner.run(["analyze", "--json", "-", path.path])
        let fromStdin = try CommandRunner.run(["analyze", "--json", "-"], stdin: plain.stdoutData)
        #expect(fromFile.status == 1)
        // Only the file name and the bytes read (compressed against plain) may differ.
        let normalize = { (text: String) in
            text.split(separator: "\n").filter { !$0.contains("\"bytes_read\"") }.joined(separator: "\n")
                .replacingOccurrences(of: path.path, with: "-")
        }
        #expect(normalize(fromFile.stdout) == normalize(fromStdin.stdout))
    }

    @Test("invalid parameters exit 64", arguments: [
        (["--gray-share", "1.5"], "invalid value '1.5' for --gray-share: must be between 0 and 1"),
        (["--rate", "fast"], "invalid value 'fast' for --rate"),
        (["--gzip-members", "3"], "--gzip-members needs --gzip"),
        (["extra"], "unexpected argument 'extra'"),
    ] as [([String], String)])
    func invalidParameters(arguments: [String], message: String) throws {
        let result = try CommandRunner.run(["simulate"] + arguments)
        #expect(result.status == 64)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }
}
