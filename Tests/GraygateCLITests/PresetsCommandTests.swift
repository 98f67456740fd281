import Foundation
import Testing

@Suite("graygate presets")
struct PresetsCommandTests {
    static let names = ["envoy", "ingress-nginx", "litellm", "tgi", "kserve", "seldon"]

    @Test("lists every preset")
    func list() throws {
        let result = try CommandRunner.run(["presets"])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.map { String($0.prefix { $0 != " " }) } == Self.names)
        #expect(lines.allSatisfy { $0.count > 20 }, "each line has a summary: \(result.stdout)")
        #expect(result.stderr.isEmpty)
    }

    @Test("shown configuration loads as the preset", arguments: [
        ("envoy", "envoy.jsonl", [String]()),
        ("ingress-nginx", "ingress-nginx.jsonl", []),
        ("litellm", "litellm.jsonl", ["--gray", "vllm/llama-3.1-8b-v2", "--normal", "vllm/llama-3.1-8b-v1"]),
    ])
    func showLoads(name: String, log: String, flags: [String]) throws {
        let showResult = try CommandRunner.run(["presets", "show", name])
        #expect(showResult.status == 0)
        let path = CommandRunner.temporaryFile("\(name).json")
        defer { try? FileManager.default.removeItem(at: path) }
        try showResult.stdoutData.write(to: path)

        let check = try CommandRunner.run(["check-config", path.path])
        #expect(check.status == 0, "\(check.stderr)")

        // The printed file and the preset must read the log the same way, down to every figure.
        let input = "fixtures/presets/\(log)"
        let fromFile = try CommandRunner.run(["analyze", "--config", path.path, "--json", "-"] + flags + [input])
        let fromPreset = try CommandRunner.run(["analyze", "--preset", name, "--json", "-"] + flags + [input])
        #expect(fromFile.status == fromPreset.status)
        #expect(!fromFile.stdout.isEmpty)
        #expect(fromFile.stdout == fromPreset.stdout)
    }

    @Test("show rejects an unknown name")
    func showUnknown() throws {
        let result = try CommandRunner.run(["presets", "show", "haproxy"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("Error: unknown preset 'haproxy'; the presets are envoy, ingress-nginx, litellm, tgi"))
        #expect(result.stdout.isEmpty)
    }

    @Test("unknown --preset exits 64 with the list")
    func unknownPresetFlag() throws {
        let result = try CommandRunner.run(["analyze", "--preset", "istio", "fixtures/presets/envoy.jsonl"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("unknown preset 'istio'; the presets are envoy, ingress-nginx, litellm, tgi"), "\(result.stderr)")
        #expect(result.stderr.contains("See 'graygate analyze --help'."))
        #expect(result.stdout.isEmpty)
    }

    @Test("--preset against a file's preset exits 64")
    func conflictingPreset() throws {
        let path = CommandRunner.temporaryFile("envoy-override.json")
        defer { try? FileManager.default.removeItem(at: path) }
        try Data(#"{"preset": "envoy", "checks": {"alpha": 0.01}}"#.utf8).write(to: path)

        let conflict = try CommandRunner.run(["analyze", "--preset", "litellm", "--config", path.path, "fixtures/presets/envoy.jsonl"])
        #expect(conflict.status == 64)
        #expect(conflict.stderr.contains("--preset litellm differs from the preset 'envoy'"), "\(conflict.stderr)")

        // The same preset twice is no conflict, and the file's override applies.
        let same = try CommandRunner.run(["analyze", "--preset", "envoy", "--config", path.path, "--json", "-",
                                          "fixtures/presets/envoy.jsonl"])
        #expect(same.status != 64, "\(same.stderr)")
        #expect(same.stdout.contains(#""alpha": 0.01"#))
    }

    @Test("tgi cohorts come from --gray-log and --normal-log", arguments: [false, true])
    func tgiLogsByFile(throughSummary: Bool) throws {
        let logs = ["--gray-log", "fixtures/presets/tgi-gray.jsonl", "--normal-log", "fixtures/presets/tgi-normal.jsonl"]
        let result: CommandResult
        if throughSummary {
            let summary = CommandRunner.temporaryFile("tgi.ggs")
            defer { try? FileManager.default.removeItem(at: summary) }
            let summarized = try CommandRunner.run(["summarize", "--preset", "tgi"] + logs + ["--output", summary.path])
            #expect(summarized.status == 0, "\(summarized.stderr)")
            result = try CommandRunner.run(["analyze", "--preset", "tgi", "--summary", summary.path, "--json", "-"])
        } else {
            result = try CommandRunner.run(["analyze", "--preset", "tgi"] + logs + ["--json", "-"])
        }
        #expect([0, 1].contains(result.status), "\(result.stderr)")

        // Counts are whole numbers, which JSONSerialization reads exactly.
        let report = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
        let expectedURL = CommandRunner.fixtures.appendingPathComponent("expected/presets/tgi.json")
        let expected = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: expectedURL)) as? [String: Any])
        let input = try #require(report["input"] as? [String: Any])
        #expect(input["lines_read"] as? Int == expected["lines"] as? Int)
        #expect(input["non_request_lines"] as? Int == expected["non_request_lines"] as? Int)
        let cohorts = try #require(report["cohorts"] as? [String: [String: Any]])
        let expectedCohorts = try #require(expected["cohorts"] as? [String: [String: Any]])
        for cohort in ["gray", "normal"] {
            #expect(cohorts[cohort]?["requests"] as? Int == expectedCohorts[cohort]?["requests"] as? Int, "\(cohort)")
            #expect(cohorts[cohort]?["errors"] as? Int == expectedCohorts[cohort]?["errors"] as? Int, "\(cohort)")
        }
    }

    @Test("cohort flags replace the presence rule")
    func cohortFlagsOverridePreset() throws {
        // proxy_upstream_name is never empty, so the non_empty rule would make every request gray.
        let result = try CommandRunner.run(["analyze", "--preset", "ingress-nginx", "--cohort-path", "proxy_upstream_name",
                                            "--gray", "ml-model-server-canary-80", "--normal", "ml-model-server-80",
                                            "--json", "-", "fixtures/presets/ingress-nginx.jsonl"])
        #expect(result.status == 2, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
        let cohorts = try #require(report["cohorts"] as? [String: [String: Any]])
        #expect(cohorts["gray"]?["requests"] as? Int == 0)
        #expect(cohorts["normal"]?["requests"] as? Int == 520)
    }

    @Test("tgi without cohort files assigns nothing")
    func tgiWithoutCohortFiles() throws {
        let result = try CommandRunner.run(["analyze", "--preset", "tgi", "--json", "-", "fixtures/presets/tgi-gray.jsonl"])
        #expect(result.status == 2, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
        let input = try #require(report["input"] as? [String: Any])
        #expect(input["unassigned_lines"] as? Int == 260)
    }
}
