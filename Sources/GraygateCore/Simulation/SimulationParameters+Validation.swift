/// An out-of-range simulation setting: which parameter, what it must be, and the value it had.
public struct SimulationParameterError: Error, Equatable, CustomStringConvertible {
    /// The name of the parameter, as spelled in `SimulationParameters`.
    public let parameter: String

    /// The allowed range, phrased to follow "must be", such as "between 0 and 1".
    public let requirement: String

    /// The rejected value as written in the message; strings are in single quotes.
    public let value: String

    public var description: String {
        "\(parameter) must be \(requirement), got \(value)"
    }
}

extension SimulationParameters {
    /// The largest start time, 9999-12-31T23:59:59.999Z in milliseconds since the Unix epoch, so that every
    /// timestamp keeps a four-digit year.
    static let maximumStartTimeMilliseconds: Int64 = 253_402_300_799_999

    /// Throws `SimulationParameterError` for the first parameter outside its allowed range.
    ///
    /// Beta shapes stay at 0.1 or above because the gamma sampler's U^(1/shape) term could underflow to zero
    /// below that. Sigma stays at 5 or below, which already spreads the middle 95% of latencies over a factor
    /// of e^(2 · 1.96 · 5), about 3 × 10^8.
    public func validate() throws {
        if requestCount < 0 {
            throw SimulationParameterError(
                parameter: "requestCount", requirement: "at least 0", value: "\(requestCount)")
        }
        try requireRange("grayShare", grayShare, 0, 1)
        try requirePositive("requestsPerSecond", requestsPerSecond)
        if startTimeMilliseconds < 0 || startTimeMilliseconds > Self.maximumStartTimeMilliseconds {
            let range = "between 0 (1970-01-01T00:00:00Z) and \(Self.maximumStartTimeMilliseconds)"
                + " (9999-12-31T23:59:59.999Z)"
            throw SimulationParameterError(
                parameter: "startTimeMilliseconds", requirement: range, value: "\(startTimeMilliseconds)")
        }

        try requirePositive("latencyMedianMilliseconds", latencyMedianMilliseconds)
        try requireRange("latencySigma", latencySigma, 0, 5)
        try requireRange("baseErrorRate", baseErrorRate, 0, 1)
        try requireWeights("errorResponses", errorResponses.map(\.weight))
        for response in errorResponses {
            if !(400...599).contains(response.status) {
                throw SimulationParameterError(
                    parameter: "errorResponses", requirement: "HTTP error statuses from 400 to 599",
                    value: "status \(response.status)")
            }
            if response.message.isEmpty {
                throw SimulationParameterError(
                    parameter: "errorResponses", requirement: "entries with non-empty messages",
                    value: "an empty message for status \(response.status)")
            }
        }

        try requireWeights("labelWeights", labelWeights.map(\.weight))
        var seenLabels: Set<String> = []
        for entry in labelWeights {
            if entry.label.isEmpty {
                throw SimulationParameterError(
                    parameter: "labelWeights", requirement: "entries with non-empty labels", value: "an empty label")
            }
            if !seenLabels.insert(entry.label).inserted {
                throw SimulationParameterError(
                    parameter: "labelWeights", requirement: "a table of distinct labels",
                    value: "'\(entry.label)' twice")
            }
        }
        try requireRange("scoreAlpha", scoreAlpha, 0.1, 1000)
        try requireRange("scoreBeta", scoreBeta, 0.1, 1000)

        if !latencyShift.isFinite || latencyShift <= -1 {
            throw SimulationParameterError(
                parameter: "latencyShift", requirement: "a finite number greater than -1", value: latencyShift.compact)
        }
        try requireRange("errorRateIncrease", errorRateIncrease, -baseErrorRate, 1 - baseErrorRate,
                         context: " with baseErrorRate \(baseErrorRate.compact)")
        try requireRange("drift", drift, 0, 1)
        try requireNonEmpty("grayVersion", grayVersion)
        try requireNonEmpty("normalVersion", normalVersion)
    }
}

/// Throws unless `lowerBound ≤ value ≤ upperBound`, which also rejects NaN.
private func requireRange(
    _ parameter: String, _ value: Double, _ lowerBound: Double, _ upperBound: Double, context: String = ""
) throws {
    if !(value >= lowerBound && value <= upperBound) {
        throw SimulationParameterError(
            parameter: parameter, requirement: "between \(lowerBound.compact) and \(upperBound.compact)\(context)",
            value: value.compact)
    }
}

/// Throws unless `value` is finite and greater than 0.
private func requirePositive(_ parameter: String, _ value: Double) throws {
    if !(value > 0 && value.isFinite) {
        throw SimulationParameterError(
            parameter: parameter, requirement: "a finite number greater than 0", value: value.compact)
    }
}

/// Throws unless `text` has at least one character.
private func requireNonEmpty(_ parameter: String, _ text: String) throws {
    if text.isEmpty {
        throw SimulationParameterError(parameter: parameter, requirement: "a non-empty string", value: "''")
    }
}

/// Throws unless the weights form a non-empty table of finite, nonnegative numbers with a positive sum.
private func requireWeights(_ parameter: String, _ weights: [Double]) throws {
    if weights.isEmpty {
        throw SimulationParameterError(parameter: parameter, requirement: "a non-empty table", value: "an empty one")
    }
    for weight in weights where !(weight >= 0 && weight.isFinite) {
        throw SimulationParameterError(
            parameter: parameter, requirement: "a table of finite weights of at least 0",
            value: "weight \(weight.compact)")
    }
    if !(weights.reduce(0, +) > 0) {
        throw SimulationParameterError(
            parameter: parameter, requirement: "a table whose weights sum to more than 0",
            value: "weights that sum to 0")
    }
}

extension Double {
    /// The shortest text that reads back as this value, without a trailing ".0" for whole numbers.
    fileprivate var compact: String {
        if self == rounded(.towardZero) && abs(self) < 1e15 {
            return String(Int64(self))
        }
        return "\(self)"
    }
}
