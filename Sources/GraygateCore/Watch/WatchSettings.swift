/// The settings of `graygate watch`: its interval, window and exit condition.
public struct WatchSettings: Sendable, Equatable {
    /// Seconds between looks at the evidence and between status lines.
    public var intervalSeconds = 10.0

    /// The length of the sliding window in seconds, or nil for cumulative statistics only.
    public var windowSeconds: Double?

    /// The clock the window follows.
    public var windowClock = WindowClock.arrival

    /// When the watch stops before its input ends.
    public var exitCondition = ExitCondition.never

    /// The minimum time watched before `ExitCondition.decision` may stop on a pass.
    public var minimumDecisionSeconds = 300.0

    public var gzipDecoder = GzipDecoderChoice.automatic

    /// The number of rejected lines reported one by one; later ones are only counted.
    public var maxRejectedExamples = 20

    public init() {}

    /// The clock that places a line in an interval of the window.
    public enum WindowClock: String, Sendable, CaseIterable {
        /// When the line arrived: the window is the last minutes of traffic as graygate saw it.
        case arrival

        /// The line's own timestamp (`mapping.timestamp`): right for replayed or delayed logs.
        case log
    }

    /// The condition that ends a watch before its input does.
    public enum ExitCondition: String, Sendable, CaseIterable {
        /// Run until the input ends or a signal arrives.
        case never

        /// Stop as soon as the latency or error-rate check fails with always-valid confidence.
        case fail

        /// Stop on such a fail, and also on a confident pass after the minimum samples and duration.
        case decision
    }
}
