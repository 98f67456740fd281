import GraygateCore

/// `graygate check-config`: validate a configuration file and show what it sets.
enum CheckConfigCommand {
    static let help = """
        USAGE: graygate check-config FILE

        Reads a graygate configuration file and reports every problem with its JSON path, such as
        '$.checks.alpha: must be between 0 and 1 (exclusive), got 3.0'. A valid file is summarized: the
        field mapping and the checks it sets. Exits 0 when the file is valid and 78 when it is not.

        OPTIONS:
          -h, --help    Show this help.
        """

    static func run(_ arguments: [String]) throws -> ExitCode {
        var parser = ArgumentParser(command: "check-config", options: [.init(names: ["--help", "-h"], takesValue: false)])
        try parser.parse(arguments)
        if parser.has("--help") {
            try Terminal.writeStdout(help + "\n")
            return .pass
        }
        guard parser.positionals.count == 1, let path = parser.positionals.first else {
            throw UsageError(message: "check-config takes exactly one configuration file", command: "check-config")
        }

        let configuration = try ConfigurationLoader.load(path: path)
        try Terminal.writeStdout("Configuration '\(path)' is valid.\n" + summary(configuration))
        return .pass
    }

    /// Lists the settings a person usually checks after editing a configuration.
    private static func summary(_ configuration: Configuration) -> String {
        let mapping = configuration.mapping
        let checks = configuration.checks
        var lines: [String] = []
        lines.append("  cohort: '\(mapping.cohortPath)'; gray \(mapping.grayValues.joined(separator: ", ")); "
            + "normal \(mapping.normalValues.joined(separator: ", "))")
        if let events = mapping.events {
            lines.append("  latency: between request and response events paired by '\(events.idPath)', "
                + "times at '\(events.timePath)', types at '\(events.typePath)'; at most \(events.maxPending) unpaired kept")
        } else {
            lines.append("  latency: '\(mapping.latencyPath)' in \(mapping.latencyUnit.rawValue)")
        }
        let statuses = mapping.errorStatuses.map { $0.lowerBound == $0.upperBound ? "\($0.lowerBound)" : "\($0.lowerBound)-\($0.upperBound)" }
        lines.append("  errors: status at \(mapping.statusPath.map { "'\($0)'" } ?? "none") in \(statuses.joined(separator: ", ")); "
            + "error field \(mapping.errorPath.map { "'\($0)'" } ?? "none")")
        lines.append("  timestamp: \(mapping.timestampPath.map { "'\($0)'" } ?? "none") (numbers in \(mapping.timestampUnit.rawValue)), "
            + "read by watch --window-clock log")
        for field in mapping.numericFields {
            lines.append("  numeric field '\(field.name)': '\(field.path)'")
        }
        for field in mapping.categoricalFields {
            lines.append("  categorical field '\(field.name)': '\(field.path)'")
        }
        let enabled = [
            ("latency", checks.latency.isEnabled), ("error_rate", checks.errorRate.isEnabled),
            ("numeric_drift", checks.numericDrift.isEnabled), ("categorical_drift", checks.categoricalDrift.isEnabled),
        ].filter(\.1).map(\.0)
        lines.append("  checks: \(enabled.joined(separator: ", ")); alpha \(checks.alpha); min_samples \(checks.minimumSamples)"
            + (checks.trafficSplit.expectedGrayShare.map { "; expected gray share \($0)" } ?? ""))
        return lines.joined(separator: "\n") + "\n"
    }
}
