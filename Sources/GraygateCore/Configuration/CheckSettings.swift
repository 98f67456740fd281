/// Thresholds and switches of the checks.
///
/// A check fails only when its effect passes a practical margin and the difference is significant after
/// the Holm correction across checks. So a huge sample cannot fail a release over a negligible difference,
/// and a small one cannot fail it by chance.
public struct CheckSettings: Sendable, Equatable {
    /// The family-wise significance level shared by the checks through the Holm correction.
    public var alpha = 0.05

    /// Fewer requests than this in either cohort make a check inconclusive.
    public var minimumSamples = 100

    public var latency = LatencyCheckSettings()
    public var errorRate = ErrorRateCheckSettings()
    public var numericDrift = DriftCheckSettings(warnThreshold: 0.1, failThreshold: 0.25)
    public var categoricalDrift = DriftCheckSettings(warnThreshold: 0.1, failThreshold: 0.2)
    public var trafficSplit = TrafficSplitSettings()

    /// A larger share of rejected lines among those read makes the run invalid.
    public var maxRejectedShare = 0.01

    public init() {}
}

/// Settings of the latency check.
public struct LatencyCheckSettings: Sendable, Equatable {
    public var isEnabled = true
    public var isCritical = true

    /// The largest tolerated relative increase of each latency quantile, gray over normal (0.1 = +10%).
    public var quantileMargins: [LatencyQuantile: Double] = [.p50: 0.10, .p95: 0.10, .p99: 0.10]

    /// The largest tolerated Hodges-Lehmann shift, relative to the normal cohort's median.
    public var shiftMargin = 0.05

    public init() {}
}

/// A latency quantile reported and checked.
public enum LatencyQuantile: String, Sendable, CaseIterable, Comparable {
    case p50, p90, p95, p99

    public var probability: Double {
        switch self {
        case .p50: return 0.50
        case .p90: return 0.90
        case .p95: return 0.95
        case .p99: return 0.99
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.probability < rhs.probability }
}

/// Settings of the error-rate check.
public struct ErrorRateCheckSettings: Sendable, Equatable {
    public var isEnabled = true
    public var isCritical = true

    /// The largest tolerated increase of the error rate, in absolute terms (0.005 = 0.5 percentage points).
    public var margin = 0.005

    public init() {}
}

/// Settings of a drift check: PSI for numeric fields, Jensen-Shannon distance for categorical ones.
public struct DriftCheckSettings: Sendable, Equatable {
    public var isEnabled = true
    public var isCritical = true

    /// A significant drift at or above this score warns.
    public var warnThreshold: Double

    /// A significant drift at or above this score fails.
    public var failThreshold: Double

    public init(warnThreshold: Double, failThreshold: Double) {
        self.warnThreshold = warnThreshold
        self.failThreshold = failThreshold
    }
}

/// Settings of the sample-ratio-mismatch check on the traffic split.
public struct TrafficSplitSettings: Sendable, Equatable {
    /// The share of requests routed to the gray cohort by the rollout; nil skips the check.
    public var expectedGrayShare: Double?

    /// The significance level of the mismatch test; strict, because a false alarm voids the run.
    public var alpha = 0.001

    public init() {}
}
