/// One summary per interval of time, merged on read into the cumulative summary and the sliding window.
///
/// Records are kept by interval number, ⌊seconds / interval⌋ of arrival time or of log time. A summary
/// merges in time proportional to its sketches, not to its requests, so reading the window as the merge
/// of its intervals costs the same at 10 requests a second as at 100,000. Intervals that fall out of the
/// window are folded into one retired summary, which keeps memory bounded for a watch of any length.
struct IntervalSummaries {
    let intervalSeconds: Double

    /// The window's length in intervals; nil keeps no window, only the cumulative summary.
    let windowIntervals: Int?

    /// Every interval that left the window, merged; without a window, everything.
    private(set) var retired: LogSummary

    /// The intervals inside the window, by interval number.
    private(set) var intervals: [Int: LogSummary] = [:]

    /// The newest interval number seen.
    private(set) var newestInterval: Int?

    private let empty: LogSummary

    init(empty: LogSummary, intervalSeconds: Double, windowSeconds: Double?) {
        precondition(intervalSeconds > 0, "the interval must be positive")
        self.empty = empty
        self.intervalSeconds = intervalSeconds
        windowIntervals = windowSeconds.map { max(1, Int(($0 / intervalSeconds).rounded(.up))) }
        retired = empty
    }

    /// Returns the interval number that `seconds` falls in.
    func interval(at seconds: Double) -> Int {
        Int((seconds / intervalSeconds).rounded(.down))
    }

    /// Applies `change` to the summary of interval `number`, or to the retired summary when that interval
    /// is already older than the window (a late line in log time).
    mutating func update(interval number: Int, _ change: (inout LogSummary) -> Void) {
        guard let windowIntervals else {
            change(&retired)
            return
        }
        if let newestInterval, number <= newestInterval - windowIntervals {
            change(&retired)
            return
        }
        change(&intervals[number, default: empty])
        if number > newestInterval ?? .min {
            newestInterval = number
            retireIntervals(before: number - windowIntervals + 1)
        }
    }

    /// Applies `change` to the newest interval, for lines that carry no time of their own.
    mutating func updateNewest(orAt fallback: Int, _ change: (inout LogSummary) -> Void) {
        update(interval: newestInterval ?? fallback, change)
    }

    /// Everything recorded so far.
    func cumulative() -> LogSummary {
        intervals.keys.sorted().reduce(into: retired) { $0.merge(intervals[$1]!) }  // Safe: the key was just read.
    }

    /// Returns the merged intervals of the window ending at the newest interval, or nil without a window.
    func window() -> LogSummary? {
        guard windowIntervals != nil else { return nil }
        return intervals.keys.sorted().reduce(into: empty) { $0.merge(intervals[$1]!) }  // Safe: as above.
    }

    /// Advances the window to `number` without recording, so an arrival-time window empties when input stops.
    mutating func advance(to number: Int) {
        guard let windowIntervals, number > newestInterval ?? .min else { return }
        newestInterval = number
        retireIntervals(before: number - windowIntervals + 1)
    }

    private mutating func retireIntervals(before oldest: Int) {
        for number in intervals.keys where number < oldest {
            retired.merge(intervals.removeValue(forKey: number)!)  // Safe: the key comes from the dictionary.
        }
    }
}
