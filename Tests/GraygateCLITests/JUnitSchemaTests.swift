import Foundation
import Testing

/// Validates `analyze --junit` output with `xmllint` (Debian's libxml2-utils) against `junit-10.xsd`, a
/// JUnit XML schema (MIT, Gregory Boissinot).
///
/// pytest's source distribution ships that schema as `testing/example_scripts/junit-10.xsd` and validates
/// its own JUnit output against it. The schema is not in this repository, so set `GRAYGATE_JUNIT_XSD` to
/// its path or copy it to `.build/schemas/junit-10.xsd`.
/// Without the schema or `xmllint`, the suite is skipped with a message naming what is missing.
@Suite("JUnit schema", .enabled(if: JUnitSchema.isAvailable, "\(JUnitSchema.unavailableReason)"))
struct JUnitSchemaTests {
    @Test("fixture reports validate", arguments: [
        (["fixtures/healthy.jsonl.gz"], Int32(0)),
        (["fixtures/error-regression.jsonl.gz"], 1),
        (["fixtures/too-few-gray.jsonl.gz"], 2),
        (["--config", "fixtures/broken-split.config.json", "fixtures/broken-split.jsonl.gz"], 3),
        (["fixtures/bad-input.jsonl"], 3),
        (["-c", "fixtures/custom-shape.config.json", "fixtures/custom-shape.jsonl.gz"], 0),
    ] as [([String], Int32)])
    func fixtureReportValidates(arguments: [String], status: Int32) throws {
        let report = CommandRunner.temporaryFile("schema-\(status)-\(arguments.count).xml")
        defer { try? FileManager.default.removeItem(at: report) }

        let run = try CommandRunner.run(["analyze", "--quiet", "--junit", report.path] + arguments)
        #expect(run.status == status, "\(arguments): \(run.stderr)")

        let validation = try JUnitSchema.validate(report)
        #expect(validation.status == 0, "\(arguments): xmllint rejected the report: \(validation.stderr)")
    }

    /// Under `--fail-on warn` a warning check becomes a `<failure>` of type `warn`. No fixture warns, so the
    /// test simulates a log, which `simulate` writes with the same bytes on every run.
    @Test("strict warn report validates")
    func strictWarnReportValidates() throws {
        let log = CommandRunner.temporaryFile("schema-warn.jsonl.gz")
        let report = CommandRunner.temporaryFile("schema-warn.xml")
        defer {
            try? FileManager.default.removeItem(at: log)
            try? FileManager.default.removeItem(at: report)
        }

        let simulate = try CommandRunner.run([
            "simulate", "--requests", "40000", "--latency-shift", "0.035", "--gzip", "-o", log.path,
        ])
        try #require(simulate.status == 0, "simulate failed: \(simulate.stderr)")

        let run = try CommandRunner.run(["analyze", "--quiet", "--fail-on", "warn", "--junit", report.path, log.path])
        #expect(run.status == 1, "\(run.stderr)")
        let xml = try String(contentsOf: report, encoding: .utf8)
        #expect(xml.contains("type=\"warn\""), "the simulated log no longer warns, so this test checks nothing new")

        let validation = try JUnitSchema.validate(report)
        #expect(validation.status == 0, "xmllint rejected the report: \(validation.stderr)")
    }
}

/// The schema file and the `xmllint` executable that `JUnitSchemaTests` needs.
enum JUnitSchema {
    static let schema: URL = {
        if let path = ProcessInfo.processInfo.environment["GRAYGATE_JUNIT_XSD"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return CommandRunner.packageRoot.appendingPathComponent(".build/schemas/junit-10.xsd")
    }()

    static let xmllint: URL? = {
        let searchPath = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in searchPath.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent("xmllint")
            if FileManager.default.isExecutableFile(atPath: candidate.path) {
                return candidate
            }
        }
        return nil
    }()

    static var isAvailable: Bool {
        xmllint != nil && FileManager.default.fileExists(atPath: schema.path)
    }

    static var unavailableReason: String {
        var missing: [String] = []
        if xmllint == nil {
            missing.append("xmllint is not on PATH (install Debian's libxml2-utils)")
        }
        if !FileManager.default.fileExists(atPath: schema.path) {
            missing.append("the JUnit schema is not at \(schema.path) (set GRAYGATE_JUNIT_XSD to junit-10.xsd)")
        }
        return missing.joined(separator: "; ")
    }

    /// Runs `xmllint --noout --schema` on `report` and returns its exit status and standard error.
    static func validate(_ report: URL) throws -> (status: Int32, stderr: String) {
        guard let xmllint else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "xmllint"])
        }
        let process = Process()
        process.executableURL = xmllint
        process.arguments = ["--noout", "--schema", schema.path, report.path]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Read to the end before waiting, so a long message cannot fill the pipe and block xmllint.
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: message, as: UTF8.self))
    }
}
