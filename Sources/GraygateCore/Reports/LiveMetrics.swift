/// The figures of a long-running graygate that a one-off report lacks, for the live-only metric families
/// of `PrometheusRenderer`.
public struct LiveMetrics: Sendable, Equatable {
    /// The Unix time in seconds at which the process started reading.
    public var startTimeSeconds: Double

    /// The Unix time in seconds at which the last line arrived, or nil before the first line.
    public var lastLineTimeSeconds: Double?

    /// The length of the sliding window in seconds, or nil when no window is kept.
    public var windowSeconds: Double?

    /// The report of the lines in the sliding window alone, or nil when no window is kept.
    public var window: Report?

    /// The seconds between two evaluations of the report.
    public var intervalSeconds: Double

    public init(startTimeSeconds: Double, lastLineTimeSeconds: Double? = nil, windowSeconds: Double? = nil,
                window: Report? = nil, intervalSeconds: Double) {
        self.startTimeSeconds = startTimeSeconds
        self.lastLineTimeSeconds = lastLineTimeSeconds
        self.windowSeconds = windowSeconds
        self.window = window
        self.intervalSeconds = intervalSeconds
    }
}
