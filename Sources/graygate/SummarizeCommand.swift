import Foundation
import GraygateCore

/// `graygate summarize`: read one shard of logs into a summary file that merges with other shards.
enum SummarizeCommand {
    static let help = """
        USAGE: graygate summarize [OPTIONS] [FILE ...] --output SHARD.ggs

        Reads logs as 'analyze' does and writes their accumulators (counts, sketches, exact samples,
        category counts, line accounting) to a summary file, without judging. Summaries of any split of
        a log merge into exactly the report of the whole log:
            graygate analyze --summary a.ggs --summary b.ggs
        so an existing engine (a Spark job, Kubernetes Jobs) can summarize the shards on many machines.
        Every shard must be summarized with the same mapping; a summary made with another is rejected.

        OPTIONS:
          -o, --output FILE        The summary file to write ('-' for standard output).
          -c, --config FILE        JSON configuration; only its mapping and input settings matter here.
              --preset NAME        Start from a shipped mapping, as for 'graygate analyze'.
              --gray-log FILE, --normal-log FILE
                                   Read FILE as a log of one cohort, as for 'graygate analyze'.
              --cohort-path, --gray, --normal, --latency-path, --latency-unit, --status-path,
              --error-status, --error-path
                                   Mapping flags, as for 'graygate analyze'.
              --workers N          Parser threads (default: the number of cores).
              --gzip-decoder NAME  auto, zlib or isa-l (default: auto).
              --wrapper NAME       auto, none, cri or docker, as for 'graygate analyze' (default: auto).
              --show-rejected N    Rejected lines to print on standard error (default: 5).
              --stats              Print throughput and the time of each stage on standard error.
          -h, --help               Show this help.
        """

    static let options: [ArgumentParser.Option] = AnalyzeCommand.readingOptions + [
        .init(names: ["--output", "-o"], takesValue: true),
        .init(names: ["--help", "-h"], takesValue: false),
    ]

    static func run(_ arguments: [String]) throws -> ExitCode {
        var parser = ArgumentParser(command: "summarize", options: options)
        try parser.parse(arguments)
        if parser.has("--help") {
            try Terminal.writeStdout(help + "\n")
            return .pass
        }
        guard let output = parser.value("--output") else {
            throw UsageError(message: "summarize needs --output FILE for the summary", command: "summarize")
        }
        var (analysis, showRejected) = try AnalyzeCommand.configuredAnalysis(parser, command: "summarize")
        let inputs = try AnalyzeCommand.logInputs(parser, analysis: &analysis, readsStandardInputByDefault: true,
                                                  command: "summarize")

        let progress = Terminal.stderrIsTerminal ? ProgressDisplay(totalBytes: ProgressDisplay.totalSize(of: inputs)) : nil
        let diagnostics = Diagnostics(maxRejectedShown: showRejected, progress: progress)
        let (data, statistics, _) = try analysis.summaryFile(inputs: inputs, observer: diagnostics)
        diagnostics.finish(totalRejected: 0)
        if parser.has("--stats") {
            Terminal.writeStderr(StatisticsText.render(statistics))
        }

        let file = try OutputFile(path: output)
        try data.withUnsafeBytes { try file.write($0) }
        try file.close()
        return .pass
    }
}
