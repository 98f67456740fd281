import Foundation
import GraygateCore

/// `graygate analyze`: judge a rollout stage from its logs.
enum AnalyzeCommand {
    static let help = """
        USAGE: graygate analyze [OPTIONS] [FILE ...]

        Reads JSON-lines request logs as one sample, compares the gray (canary) cohort against the normal
        (baseline) cohort, and prints a verdict with its evidence. Each FILE may be plain or gzip (detected
        from its first bytes, several concatenated members allowed); no FILE or '-' reads standard input.

        OPTIONS:
          -c, --config FILE            JSON configuration: field mapping, check thresholds, limits.
                                       Flags below override it.
              --preset NAME            Start from a shipped mapping: envoy, ingress-nginx, litellm, tgi,
                                       kserve or seldon ('graygate presets' describes them); --config
                                       and the flags below refine it.
              --gray-log FILE          Read FILE as a log whose every request is gray, for logs that
                                       name no cohort; repeat for each file.
              --normal-log FILE        The same for the normal cohort.
              --json FILE              Write the report as JSON to FILE; '-' writes it to standard output
                                       in place of the text report.
              --junit FILE             Write JUnit XML to FILE, one test case per check, for CI test
                                       reporters (GitLab, Jenkins, GitHub).
              --markdown FILE          Write a Markdown summary to FILE, for a pull-request comment or
                                       $GITHUB_STEP_SUMMARY.
              --prometheus FILE        Write Prometheus metrics (text format 0.0.4) to FILE, replaced
                                       whole by a rename, for node_exporter's textfile collector (name
                                       it *.prom there).
              --no-annotations         Do not print GitHub Actions annotations; they are printed when
                                       GITHUB_ACTIONS is true.
              --summary FILE           Merge a shard summary made by 'graygate summarize'; repeat for
                                       each shard. With summaries and no FILE, no log is read.
              --baseline FILE          Compare gray against the normal cohort of a stored summary from
                                       an earlier period, in place of this period's normal traffic.
              --fail-on warn           Exit with status 1 on a warn verdict too (strict gates).
              --expected-gray-share X  Share of traffic the rollout routes to gray, from 0 to 1 exclusive;
                                       enables the traffic-split (sample ratio mismatch) check.
              --cohort-path PATH       Dotted path of the cohort field (default: cohort).
              --gray VALUES            Comma-separated cohort values meaning gray (default: gray,canary).
              --normal VALUES          Comma-separated cohort values meaning normal
                                       (default: normal,stable,baseline,control).
              --latency-path PATH      Dotted path of the latency (default: latency_ms).
              --latency-unit UNIT      Unit of the logged latency: s, ms, us or ns (default: ms).
              --status-path PATH       Dotted path of the status code, or 'none' (default: status).
              --error-status CODES     Status codes that are errors: codes, ranges or classes such as
                                       5xx,429 (default: 500-999).
              --error-path PATH        Dotted path of an error field, or 'none' (default: error); any value
                                       but null and false marks an error.
              --alpha X                Family-wise significance level across checks (default: 0.05).
              --min-samples N          Values per cohort (requests, or values of a field) below which
                                       a check is inconclusive (default: 100).
              --max-rejected-share X   Share of rejected lines above which the run is invalid
                                       (default: 0.01).
              --show-rejected N        Rejected lines to print on standard error (default: 5).
              --workers N              Parser threads; the input is read and inflated on one more
                                       thread (default: the number of cores; 1 with mapping.events).
              --stats                  Print throughput and the time of each stage on standard error.
              --gzip-decoder NAME      auto, zlib or isa-l (default: auto, ISA-L when built in).
              --wrapper NAME           Container log format of each line: auto, none, cri (containerd,
                                       CRI-O) or docker (json-file). The pieces of split lines are joined
                                       (default: auto, decided per input from its first non-blank line).
          -q, --quiet                  Print no text report.
              --no-color               Never color the text report (NO_COLOR also disables color).
          -h, --help                   Show this help.

        EXIT STATUS:
          0  pass (or warn without --fail-on warn)    1  fail (or warn with --fail-on warn)
          2  inconclusive: too few requests            3  invalid: broken traffic split, too many
                                                          rejected lines or corrupt gzip input
          64 usage error    65 unusable summary file    66 input not found    74 read or write error
          78 invalid configuration

        EXAMPLES:
          graygate analyze fixtures/healthy.jsonl.gz
          graygate analyze --config team.json --json report.json /var/log/model/*.log.gz
          kubectl logs deploy/model | graygate analyze --expected-gray-share 0.1 -
          graygate analyze /var/log/pods/prod_model-*/model/*.log
        """

    /// The options that shape how logs are read, shared with `summarize`.
    static let readingOptions: [ArgumentParser.Option] = [
        .init(names: ["--config", "-c"], takesValue: true),
        .init(names: ["--preset"], takesValue: true),
        .init(names: ["--gray-log"], takesValue: true),
        .init(names: ["--normal-log"], takesValue: true),
        .init(names: ["--cohort-path"], takesValue: true),
        .init(names: ["--gray"], takesValue: true),
        .init(names: ["--normal"], takesValue: true),
        .init(names: ["--latency-path"], takesValue: true),
        .init(names: ["--latency-unit"], takesValue: true),
        .init(names: ["--status-path"], takesValue: true),
        .init(names: ["--error-status"], takesValue: true),
        .init(names: ["--error-path"], takesValue: true),
        .init(names: ["--show-rejected"], takesValue: true),
        .init(names: ["--workers"], takesValue: true),
        .init(names: ["--stats"], takesValue: false),
        .init(names: ["--gzip-decoder"], takesValue: true),
        .init(names: ["--wrapper"], takesValue: true),
    ]

    static let options: [ArgumentParser.Option] = readingOptions + [
        .init(names: ["--json"], takesValue: true),
        .init(names: ["--junit"], takesValue: true),
        .init(names: ["--markdown"], takesValue: true),
        .init(names: ["--prometheus"], takesValue: true),
        .init(names: ["--no-annotations"], takesValue: false),
        .init(names: ["--summary"], takesValue: true),
        .init(names: ["--baseline"], takesValue: true),
    ] + judgingOptions

    /// The options that shape the verdict and the text report, shared with `watch`.
    static let judgingOptions: [ArgumentParser.Option] = [
        .init(names: ["--fail-on"], takesValue: true),
        .init(names: ["--expected-gray-share"], takesValue: true),
        .init(names: ["--alpha"], takesValue: true),
        .init(names: ["--min-samples"], takesValue: true),
        .init(names: ["--max-rejected-share"], takesValue: true),
        .init(names: ["--quiet", "-q"], takesValue: false),
        .init(names: ["--no-color"], takesValue: false),
        .init(names: ["--help", "-h"], takesValue: false),
    ]

    static func run(_ arguments: [String]) throws -> ExitCode {
        var parser = ArgumentParser(command: "analyze", options: options)
        try parser.parse(arguments)
        if parser.has("--help") {
            try Terminal.writeStdout(help + "\n")
            return .pass
        }

        let failOnWarn = try ReportOutputs.failOnWarn(parser, command: "analyze")
        let outputs = try ReportOutputs(parser, command: "analyze")

        var (analysis, showRejected) = try configuredAnalysis(parser, command: "analyze")
        let summaries = parser.allValues("--summary")
        // With summaries and no log file, no log is read; with neither, the log comes from standard input.
        let inputs = try logInputs(parser, analysis: &analysis, readsStandardInputByDefault: summaries.isEmpty,
                                   command: "analyze")

        let progress = Terminal.stderrIsTerminal ? ProgressDisplay(totalBytes: ProgressDisplay.totalSize(of: inputs)) : nil
        let diagnostics = Diagnostics(maxRejectedShown: showRejected, progress: progress)
        let (report, statistics) = try analysis.runMeasured(inputs: inputs, summaries: summaries,
                                                            baseline: parser.value("--baseline"), observer: diagnostics)
        diagnostics.finish(totalRejected: statistics.rejectedLines)
        if parser.has("--stats") {
            Terminal.writeStderr(StatisticsText.render(statistics))
        }

        try outputs.write(report, failOnWarn: failOnWarn, quiet: parser.has("--quiet"),
                          usesColor: !parser.has("--no-color") && Terminal.stdoutWantsColor)
        return ExitCode(verdict: report.verdict, failOnWarn: failOnWarn)
    }

    /// Lists the logs to read: the inputs given, then the `--gray-log` and `--normal-log` files, whose
    /// requests all take that cohort.
    static func logInputs(_ parser: ArgumentParser, analysis: inout Analysis, readsStandardInputByDefault: Bool,
                          command: String) throws -> [String] {
        var inputs = parser.positionals
        for (flag, cohort) in [("--gray-log", Cohort.gray), ("--normal-log", Cohort.normal)] {
            for path in parser.allValues(flag) {
                analysis.inputCohorts[inputs.count] = cohort
                inputs.append(path)
            }
        }
        if inputs.isEmpty && readsStandardInputByDefault {
            inputs = ["-"]
        }
        if inputs.filter({ $0 == "-" }).count > 1 {
            throw UsageError(message: "standard input ('-') can be read only once", command: command)
        }
        return inputs
    }

    /// Builds the analysis from the configuration file and the flags that `analyze` and `summarize` share.
    static func configuredAnalysis(_ parser: ArgumentParser, command: String) throws -> (analysis: Analysis, showRejected: Int) {
        var configuration = Configuration()
        let presetName = parser.value("--preset")
        if let presetName {
            guard Preset.named(presetName) != nil else {
                throw UsageError(message: "unknown preset '\(presetName)'; the presets are \(Preset.all.map(\.name).joined(separator: ", ")) "
                                     + "('graygate presets' describes them)", command: command)
            }
            configuration = try ConfigurationLoader.preset(named: presetName)
        }
        if let path = parser.value("--config") {
            configuration = try ConfigurationLoader.load(path: path, over: configuration)
            if let presetName, configuration.preset != presetName {
                throw UsageError(message: "--preset \(presetName) differs from the preset '\(configuration.preset ?? "")' of \(path); give one",
                                 command: command)
            }
        }
        try applyFlags(parser, to: &configuration, command: command)
        let showRejected = try parser.integer("--show-rejected", in: 0...1_000_000) ?? 5

        var analysis = Analysis(configuration: configuration)
        if let workers = try parser.integer("--workers", in: 1...256) {
            analysis.workerCount = workers
            if analysis.parserThreadCount < workers {
                Terminal.writeStderr("graygate: note: --workers \(workers) is ignored: mapping.events pairs request and response "
                    + "lines in input order, so one parser thread reads them\n")
            }
        }
        analysis.maxRejectedExamples = max(20, showRejected)
        if let name = parser.value("--gzip-decoder") {
            guard let choice = GzipDecoderChoice(rawValue: name) else {
                throw UsageError(message: "invalid value '\(name)' for --gzip-decoder: expected auto, zlib or isa-l", command: command)
            }
            guard choice == .automatic || GzipDecoderChoice.available.contains(choice) else {
                throw UsageError(message: "the gzip decoder '\(name)' is not built into this graygate; install libisal-dev and rebuild, or use zlib", command: command)
            }
            analysis.gzipDecoder = choice
        }
        return (analysis, showRejected)
    }

    private static func applyFlags(_ parser: ArgumentParser, to configuration: inout Configuration, command: String) throws {
        var mapping = configuration.mapping
        // As in a configuration file: a new path drops the old path's transform, listed values replace a
        // preset's presence rule, and a latency path replaces a preset's two timestamps.
        if let path = parser.value("--cohort-path") {
            mapping.cohortPath = try fieldPath(path, flag: "--cohort-path", command: command)
            mapping.cohortTransform = nil
        }
        if let values = parser.value("--gray") {
            mapping.grayValues = try valueList(values, flag: "--gray", command: command)
            mapping.cohortWhenNonEmpty = nil
        }
        if let values = parser.value("--normal") {
            mapping.normalValues = try valueList(values, flag: "--normal", command: command)
            mapping.cohortWhenNonEmpty = nil
        }
        if !Set(mapping.grayValues).isDisjoint(with: mapping.normalValues) {
            throw UsageError(message: "a cohort value is listed for both gray and normal", command: command)
        }
        if let path = parser.value("--latency-path") {
            mapping.latencyPath = try fieldPath(path, flag: "--latency-path", command: command)
            mapping.latencyTransform = nil
            mapping.latencyInterval = nil
        }
        if let unit = parser.value("--latency-unit") {
            guard let parsed = LatencyUnit(rawValue: unit == "µs" ? "us" : unit) else {
                throw UsageError(message: "invalid value '\(unit)' for --latency-unit: expected s, ms, us or ns", command: command)
            }
            mapping.latencyUnit = parsed
        }
        if let path = parser.value("--status-path") {
            mapping.statusPath = path == "none" ? nil : try fieldPath(path, flag: "--status-path", command: command)
        }
        if let codes = parser.value("--error-status") {
            mapping.errorStatuses = try codes.split(separator: ",").map { code in
                guard let range = StatusRange.parse(String(code)) else {
                    throw UsageError(message: "invalid status '\(code)' for --error-status: use codes, ranges or classes such as 5xx,429", command: command)
                }
                return range
            }
        }
        if let path = parser.value("--error-path") {
            mapping.errorPath = path == "none" ? nil : try fieldPath(path, flag: "--error-path", command: command)
            mapping.errorTransform = nil
        }
        configuration.mapping = mapping

        if let name = parser.value("--wrapper") {
            guard let wrapper = LogWrapper(rawValue: name) else {
                throw UsageError(message: "invalid value '\(name)' for --wrapper: expected auto, none, cri or docker", command: command)
            }
            configuration.input.wrapper = wrapper
        }

        var checks = configuration.checks
        if let share = try parser.double("--expected-gray-share") {
            guard share > 0 && share < 1 else {
                throw UsageError(message: "invalid value '\(parser.value("--expected-gray-share") ?? "")' for --expected-gray-share: expected a share between 0 and 1, such as 0.1", command: command)
            }
            checks.trafficSplit.expectedGrayShare = share
        }
        if let alpha = try parser.double("--alpha") {
            guard alpha > 0 && alpha < 1 else {
                throw UsageError(message: "invalid value '\(parser.value("--alpha") ?? "")' for --alpha: expected a level between 0 and 1, such as 0.05", command: command)
            }
            checks.alpha = alpha
        }
        if let minimum = try parser.integer("--min-samples", in: 1...Int.max) { checks.minimumSamples = minimum }
        if let share = try parser.double("--max-rejected-share", in: 0...1) { checks.maxRejectedShare = share }
        configuration.checks = checks
    }

    private static func fieldPath(_ text: String, flag: String, command: String) throws -> FieldPath {
        guard let path = FieldPath(text) else {
            throw UsageError(message: "invalid field path '\(text)' for \(flag): use dotted keys such as prediction.score", command: command)
        }
        return path
    }

    private static func valueList(_ text: String, flag: String, command: String) throws -> [String] {
        let values = text.split(separator: ",").map(String.init)
        guard !values.isEmpty else {
            throw UsageError(message: "\(flag) needs at least one value", command: command)
        }
        return values
    }
}
