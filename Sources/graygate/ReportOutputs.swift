import Foundation
import GraygateCore

/// The report files a run writes (--json, --junit, --markdown, --prometheus) and the text report, shared by
/// `analyze` and `watch`.
struct ReportOutputs {
    let json: String?
    let junit: String?
    let markdown: String?
    let prometheus: String?
    let showsAnnotations: Bool

    /// Whether a report file takes standard output, in place of the text report.
    var stdoutTaken: Bool { [json, junit, markdown, prometheus].contains("-") }

    init(_ parser: ArgumentParser, command: String) throws {
        // Each report needs its own destination: two on standard output, or two in one file, would mix.
        let destinations = ["--json", "--junit", "--markdown", "--prometheus"].compactMap { flag in parser.value(flag).map { (flag, $0) } }
        if destinations.filter({ $0.1 == "-" }).count > 1 {
            throw UsageError(message: "only one of --json, --junit, --markdown and --prometheus can write to standard output ('-')", command: command)
        }
        if Set(destinations.map(\.1)).count < destinations.count {
            throw UsageError(message: "--json, --junit, --markdown and --prometheus need different files", command: command)
        }
        json = parser.value("--json")
        junit = parser.value("--junit")
        markdown = parser.value("--markdown")
        prometheus = parser.value("--prometheus")
        showsAnnotations = !parser.has("--no-annotations")
    }

    /// Checks that every report file can be created, before a long run makes the report.
    func checkDestinations() throws {
        for path in [json, junit, markdown, prometheus].compactMap({ $0 }) where path != "-" {
            try Self.checkDestination(path)
        }
    }

    /// Checks that `path` can be written: its folder exists and is writable, and it is not a folder.
    static func checkDestination(_ path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            if isDirectory.boolValue {
                throw OutputError(path: path, reason: "it is a directory")
            }
            guard FileManager.default.isWritableFile(atPath: path) else {
                throw OutputError(path: path, reason: "the file is not writable")
            }
            return
        }
        let folder = (path as NSString).deletingLastPathComponent
        let parent = folder.isEmpty ? "." : folder
        guard FileManager.default.fileExists(atPath: parent, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw OutputError(path: path, reason: "the folder '\(parent)' does not exist")
        }
        guard FileManager.default.isWritableFile(atPath: parent) else {
            throw OutputError(path: path, reason: "the folder '\(parent)' is not writable")
        }
    }

    /// Reads `--fail-on`, whose only level is `warn`.
    static func failOnWarn(_ parser: ArgumentParser, command: String) throws -> Bool {
        guard let level = parser.value("--fail-on") else { return false }
        guard level == "warn" else {
            throw UsageError(message: "invalid value '\(level)' for --fail-on: expected 'warn'", command: command)
        }
        return true
    }

    /// Writes every requested report file, then the annotations and the text report.
    ///
    /// - Parameter tolerateClosedStdout: whether a closed standard output is ignored, as `watch` does so a
    ///   reader that went away never costs the report files and the exit status.
    func write(_ report: Report, failOnWarn: Bool, quiet: Bool, usesColor: Bool, tolerateClosedStdout: Bool = false,
               live: LiveMetrics? = nil) throws {
        let stdout: (String) throws -> Void = { text in
            if tolerateClosedStdout {
                try? Terminal.writeStdout(text)
            } else {
                try Terminal.writeStdout(text)
            }
        }
        if let json {
            try Self.write(JSONReportRenderer.render(report), to: json, stdout: stdout)
        }
        if let junit {
            try Self.write(JUnitReportRenderer.render(report, failOnWarn: failOnWarn), to: junit, stdout: stdout)
        }
        if let markdown {
            let text = MarkdownReportRenderer.render(report)
            if let summary = ProcessInfo.processInfo.environment["GITHUB_STEP_SUMMARY"], summary == markdown {
                // The step summary collects what every command of the step writes, so it is appended to.
                try Self.append(text, to: markdown)
            } else {
                try Self.write(text, to: markdown, stdout: stdout)
            }
        }
        if let prometheus {
            try Self.write(PrometheusRenderer.render(report, live: live), to: prometheus, stdout: stdout)
        }
        if showsAnnotations && ProcessInfo.processInfo.environment["GITHUB_ACTIONS"] == "true" {
            // The runner reads workflow commands from the log; keep standard output pure when a report uses it.
            let annotations = GitHubAnnotationRenderer.render(report)
            if stdoutTaken {
                Terminal.writeStderr(annotations)
            } else {
                try stdout(annotations)
            }
        }
        if !quiet && !stdoutTaken {
            try stdout(TextReportRenderer(usesColor: usesColor).render(report))
        }
    }

    /// Writes `text` to `path` through a temporary file and a rename, or to standard output for `-`.
    static func write(_ text: String, to path: String, stdout: (String) throws -> Void = Terminal.writeStdout) throws {
        if path == "-" {
            try stdout(text)
            return
        }
        let file = try OutputFile(path: path)
        try file.write(text)
        try file.close()
    }

    /// Appends `text` to the file at `path`, creating it if needed.
    static func append(_ text: String, to path: String) throws {
        guard let handle = FileHandle(forWritingAtPath: path) ?? {
            FileManager.default.createFile(atPath: path, contents: nil) ? FileHandle(forWritingAtPath: path) : nil
        }() else {
            throw OutputError(path: path, reason: "the file cannot be opened for appending")
        }
        defer { try? handle.close() }
        do {
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(text.utf8))
        } catch {
            throw OutputError(path: path, reason: "\(error)")
        }
    }
}

extension ExitCode {
    /// Maps a verdict to its exit status.
    init(verdict: Verdict, failOnWarn: Bool) {
        switch verdict {
        case .pass: self = .pass
        case .warn: self = failOnWarn ? .fail : .pass
        case .fail: self = .fail
        case .inconclusive: self = .inconclusive
        case .invalid: self = .invalid
        }
    }
}
