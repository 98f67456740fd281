/// The problems found in a configuration file, each with the JSON path of the value at fault.
public struct ConfigurationError: Error, CustomStringConvertible, Equatable {
    /// One problem: where it is and what is wrong.
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        /// The JSON path of the value, such as `$.mapping.latency.unit`.
        public var path: String

        /// The fault and what would be valid.
        public var message: String

        public var description: String { "\(path): \(message)" }
    }

    /// The file the problems were found in.
    public var source: String

    public var problems: [Problem]

    public var description: String {
        let count = problems.count == 1 ? "1 problem" : "\(problems.count) problems"
        return "Invalid configuration '\(source)' (\(count)):\n"
            + problems.map { "  \($0)" }.joined(separator: "\n")
    }
}
