/// A metric family of the Prometheus text exposition format 0.0.4: a name, its help text, its type and
/// its samples.
struct MetricFamily: Sendable, Equatable {
    /// The metric type, as written on the family's `# TYPE` line.
    enum Kind: String, Sendable {
        case counter, gauge, histogram, summary
    }

    /// One sample line: the family name with an optional suffix, labels and a value.
    struct Sample: Sendable, Equatable {
        /// Appended to the family name: `_bucket`, `_sum` or `_count` for histograms and summaries, else empty.
        var suffix = ""
        var labels: [Label]
        var value: Double
    }

    /// A label name and its value. Names come from this code, and values may come from the input or the configuration.
    struct Label: Sendable, Equatable {
        var name: String
        var value: String

        init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    var name: String
    var help: String
    var kind: Kind
    var samples: [Sample] = []

    /// Adds a sample unless the value is nil or not finite, since a missing figure is left out rather than
    /// written as NaN.
    mutating func add(_ value: Double?, labels: [Label] = [], suffix: String = "") {
        guard let value, value.isFinite else { return }
        samples.append(Sample(suffix: suffix, labels: labels, value: value))
    }

    mutating func add(_ value: Int, labels: [Label] = [], suffix: String = "") {
        samples.append(Sample(suffix: suffix, labels: labels, value: Double(value)))
    }

    /// Appends the family's `# HELP` and `# TYPE` lines and its samples in the order they were added.
    func write(into output: inout String) {
        output += "# HELP \(name) \(Self.escapeHelp(help))\n"
        output += "# TYPE \(name) \(kind.rawValue)\n"
        for sample in samples {
            output += name + sample.suffix
            if !sample.labels.isEmpty {
                output += "{"
                for (index, label) in sample.labels.enumerated() {
                    if index > 0 { output += "," }
                    output += "\(label.name)=\"\(Self.escapeLabelValue(label.value))\""
                }
                output += "}"
            }
            output += " \(Self.format(sample.value))\n"
        }
    }

    /// Formats a finite value with the shortest text that reads back to the same double, writing whole
    /// numbers below 10¹⁵ without a fraction, so counts read as integers and `le="1"` matches other exporters.
    static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 {
            return String(Int64(value))
        }
        return "\(value)"  // Swift prints the shortest round-tripping form, such as 0.005 or 1e-05.
    }

    /// Escapes a label value: backslash, double quote and line feed, as the text format requires.
    static func escapeLabelValue(_ value: String) -> String {
        var escaped = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    /// Escapes help text: backslash and line feed. A double quote stays as it is.
    static func escapeHelp(_ text: String) -> String {
        var escaped = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}
