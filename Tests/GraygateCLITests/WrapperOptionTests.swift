import Foundation
import Testing

@Suite("graygate --wrapper")
struct WrapperOptionTests {
    @Test("wrapped fixtures pass like the bare log", arguments: [
        ["fixtures/wrapped/healthy.cri.log.gz"],
        ["--wrapper", "cri", "fixtures/wrapped/healthy.cri.log.gz"],
        ["--wrapper", "docker", "fixtures/wrapped/healthy.docker.log.gz"],
    ])
    func wrappedFixturesPass(arguments: [String]) throws {
        let result = try CommandRunner.run(["analyze"] + arguments)
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        #expect(result.stdout.contains(": PASS\n"))
        #expect(result.stdout.contains("10000 lines read = 10000 accepted + 0 rejected + 0 blank"))
        #expect(result.stdout.contains("physical lines read."))
    }

    @Test("JSON report counts joined pieces")
    func jsonJoinedPieces() throws {
        let wrapped = try CommandRunner.run(["analyze", "--json", "-", "fixtures/wrapped/healthy.docker.log.gz"])
        let bare = try CommandRunner.run(["analyze", "--json", "-", "fixtures/healthy.jsonl.gz"])
        #expect(wrapped.status == 0)
        #expect(wrapped.stdout.contains(#""lines_read": 10000,"#))
        #expect(wrapped.stdout.contains(#""joined_pieces": 4034,"#))
        #expect(bare.stdout.contains(#""joined_pieces": 0,"#))
    }

    @Test("mismatching wrapper rejects every line")
    func mismatchingWrapper() throws {
        let result = try CommandRunner.run(["analyze", "--wrapper", "cri", "--show-rejected", "1",
                                            "fixtures/wrapped/healthy.docker.log.gz"])
        #expect(result.status == 3)
        #expect(result.stdout.contains(": INVALID\n"))
        #expect(result.stdout.contains("invalid_wrapper 14034"))
        #expect(result.stderr.contains("healthy.docker.log.gz:1: invalid container log wrapper: not a CRI log line: "))
    }

    @Test("summarize and watch take the flag", arguments: ["summarize", "watch"])
    func otherCommands(command: String) throws {
        let output = CommandRunner.temporaryFile("wrapper-\(command).out")
        defer { try? FileManager.default.removeItem(at: output) }
        let arguments = command == "summarize"
            ? ["summarize", "--wrapper", "cri", "-o", output.path, "fixtures/wrapped/healthy.cri.log.gz"]
            : ["watch", "--wrapper", "cri", "--quiet", "--json", output.path, "fixtures/wrapped/healthy.cri.log.gz"]
        let result = try CommandRunner.run(arguments)
        #expect(result.status == 0, "\(command): \(result.stderr)")
        if command == "watch" {
            let json = try String(contentsOf: output, encoding: .utf8)
            #expect(json.contains(#""accepted_lines": 10000,"#))
            #expect(json.contains(#""joined_pieces": 4082,"#))
        }
    }

    @Test("unknown wrapper is a usage error")
    func unknownWrapper() throws {
        let result = try CommandRunner.run(["analyze", "--wrapper", "containerd", "fixtures/healthy.jsonl.gz"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("invalid value 'containerd' for --wrapper: expected auto, none, cri or docker"))
    }

    @Test("configuration sets the wrapper")
    func configurationWrapper() throws {
        let config = CommandRunner.temporaryFile("wrapper.config.json")
        defer { try? FileManager.default.removeItem(at: config) }
        try Data(#"{"input": {"wrapper": "none"}}"#.utf8).write(to: config)
        let result = try CommandRunner.run(["analyze", "-c", config.path, "fixtures/wrapped/healthy.cri.log.gz"])
        #expect(result.status == 3)
        #expect(result.stdout.contains("not_an_object 14082"))

        let overridden = try CommandRunner.run(["analyze", "-c", config.path, "--wrapper", "auto",
                                                "fixtures/wrapped/healthy.cri.log.gz"])
        #expect(overridden.status == 0, "\(overridden.stderr)")
    }
}
