import Glibc
import GraygateCore

/// `graygate simulate`: write a deterministic synthetic log with an injected regression.
enum SimulateCommand {
    static let help = """
        USAGE: graygate simulate [OPTIONS]

        Writes a synthetic JSON-lines inference log in graygate's default shape, the same bytes for the same
        options on every machine: for fixtures, demos, tests and benchmarks. A regression can be injected
        into the gray cohort's latency, error rate or predictions.

        OPTIONS:
          -o, --output FILE         Write to FILE instead of standard output.
              --requests N          Number of requests (lines) (default: 10000).
              --seed N              Seed of the random stream (default: 1).
              --gray-share X        Share of requests in the gray cohort, 0 to 1 (default: 0.1).
              --rate R              Requests per second of log time, as 200 or 200/s (default: 200).
              --realtime            Write each line when the wall clock reaches its time, with current
                                    timestamps, as a live service would; without --requests, until
                                    the reader goes away. For trying 'graygate watch'.
              --latency-median MS   Median latency of the normal cohort in milliseconds (default: 150).
              --latency-sigma X     Sigma of the lognormal latency (default: 0.5).
              --error-rate X        Error rate of the normal cohort, 0 to 1 (default: 0.01).
              --latency-shift X     Gray latency is multiplied by 1 + X: 0.2 makes gray 20% slower
                                    (default: 0).
              --error-increase X    Added to gray's error rate: 0.02 adds 2 percentage points (default: 0).
              --drift X             Strength of the shift of gray's score and label mix, 0 to 1
                                    (default: 0).
              --gzip                Compress the output with gzip.
              --gzip-members N      Split the gzip output into N concatenated members, as rotated logs
                                    are (default: 1).
          -h, --help                Show this help.

        EXAMPLES:
          graygate simulate --requests 100000 --latency-shift 0.15 --gzip -o stage.jsonl.gz
          graygate simulate --rate 200/s --error-increase 0.03 | graygate analyze
          graygate simulate --realtime --rate 200/s --latency-shift 0.3 | graygate watch --exit-on fail
        """

    static let options: [ArgumentParser.Option] = [
        .init(names: ["--output", "-o"], takesValue: true),
        .init(names: ["--requests"], takesValue: true),
        .init(names: ["--seed"], takesValue: true),
        .init(names: ["--gray-share"], takesValue: true),
        .init(names: ["--rate"], takesValue: true),
        .init(names: ["--latency-median"], takesValue: true),
        .init(names: ["--latency-sigma"], takesValue: true),
        .init(names: ["--error-rate"], takesValue: true),
        .init(names: ["--latency-shift"], takesValue: true),
        .init(names: ["--error-increase"], takesValue: true),
        .init(names: ["--drift"], takesValue: true),
        .init(names: ["--gzip"], takesValue: false),
        .init(names: ["--realtime"], takesValue: false),
        .init(names: ["--gzip-members"], takesValue: true),
        .init(names: ["--help", "-h"], takesValue: false),
    ]

    static func run(_ arguments: [String]) throws -> ExitCode {
        var parser = ArgumentParser(command: "simulate", options: options)
        try parser.parse(arguments)
        if parser.has("--help") {
            try Terminal.writeStdout(help + "\n")
            return .pass
        }
        if let extra = parser.positionals.first {
            throw UsageError(message: "unexpected argument '\(extra)'; use --output FILE to name the output", command: "simulate")
        }

        var parameters = SimulationParameters()
        if let count = try parser.integer("--requests", in: 0...Int(Int32.max) * 64) { parameters.requestCount = count }
        if let seed = parser.value("--seed") {
            guard let value = UInt64(seed) else {
                throw UsageError(message: "invalid value '\(seed)' for --seed: expected a whole number from 0", command: "simulate")
            }
            parameters.seed = value
        }
        if let share = try parser.double("--gray-share") { parameters.grayShare = share }
        if let rate = parser.value("--rate") {
            let number = rate.hasSuffix("/s") ? String(rate.dropLast(2)) : rate
            guard let value = Double(number), value.isFinite, value > 0 else {
                throw UsageError(message: "invalid value '\(rate)' for --rate: expected requests per second such as 200 or 200/s", command: "simulate")
            }
            parameters.requestsPerSecond = value
        }
        if let median = try parser.double("--latency-median") { parameters.latencyMedianMilliseconds = median }
        if let sigma = try parser.double("--latency-sigma") { parameters.latencySigma = sigma }
        if let rate = try parser.double("--error-rate") { parameters.baseErrorRate = rate }
        if let shift = try parser.double("--latency-shift") { parameters.latencyShift = shift }
        if let increase = try parser.double("--error-increase") { parameters.errorRateIncrease = increase }
        if let drift = try parser.double("--drift") { parameters.drift = drift }
        let gzip = parser.has("--gzip")
        let members = try parser.integer("--gzip-members", in: 1...1_000_000) ?? 1
        if members > 1 && !gzip {
            throw UsageError(message: "--gzip-members needs --gzip", command: "simulate")
        }
        do {
            try parameters.validate()
        } catch let error as SimulationParameterError {
            throw UsageError(message: optionMessage(for: error), command: "simulate")
        }

        let output = try OutputFile(path: parser.value("--output"))
        if parser.has("--realtime") {
            guard !gzip else {
                throw UsageError(message: "--realtime writes plain lines; drop --gzip", command: "simulate")
            }
            do {
                try simulateInRealTime(parameters, lineLimit: parser.has("--requests") ? parameters.requestCount : nil) { bytes in
                    try output.write(bytes)
                }
                try output.close()
            } catch let error as OutputError where error.isBrokenPipe {
                // The reader is gone, as when `watch --exit-on fail` stops: the simulated service ends quietly.
            }
            return .pass
        }
        try simulate(parameters, gzip: gzip, gzipMembers: members) { bytes in
            try output.write(bytes)
        }
        try output.close()
        return .pass
    }

    /// Restates a parameter error with the option a user typed, not the engine's property name.
    private static func optionMessage(for error: SimulationParameterError) -> String {
        let options = [
            "requestCount": "--requests", "grayShare": "--gray-share", "requestsPerSecond": "--rate",
            "latencyMedianMilliseconds": "--latency-median", "latencySigma": "--latency-sigma",
            "baseErrorRate": "--error-rate", "latencyShift": "--latency-shift", "errorRateIncrease": "--error-increase",
            "drift": "--drift", "gzipMembers": "--gzip-members",
        ]
        guard let option = options[error.parameter] else { return error.description }
        let value = error.value.hasPrefix("'") ? error.value : "'\(error.value)'"
        return "invalid value \(value) for \(option): must be \(error.requirement)"
    }
}
