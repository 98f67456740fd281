import Foundation

/// One check's verdict with the evidence behind it.
public struct CheckResult: Sendable, Equatable {
    /// A stable identifier: `latency`, `error_rate`, `drift.<field>`, `traffic_split` or `input_quality`.
    public var id: String

    public var kind: Kind
    public var verdict: Verdict

    /// Whether a fail of this check fails the run; a non-critical fail only warns.
    public var isCritical: Bool

    /// One sentence a person can act on.
    public var reason: String

    /// The test that gave the p-value, such as "Mann-Whitney U".
    public var test: String?
    public var statistic: Double?
    public var pValue: Double?

    /// The p-value after the Holm correction across the checks of this run.
    public var adjustedPValue: Double?

    /// log₁₀ of the p-value, finite where the p-value underflows to zero.
    public var log10PValue: Double?

    /// log₁₀ of the adjusted p-value, finite where that underflows to zero.
    public var adjustedLog10PValue: Double?

    public var effect: Effect?
    public var confidenceInterval: Interval?
    public var threshold: Threshold?
    public var samples: Samples

    /// Further figures of the check, such as quantile changes or the KS statistic.
    public var details: [String: Double?]

    /// The reason each missing figure is missing, keyed by the figure's name.
    public var notes: [String: String]

    public enum Kind: String, Sendable {
        case latency
        case errorRate = "error_rate"
        case numericDrift = "numeric_drift"
        case categoricalDrift = "categorical_drift"
        case trafficSplit = "traffic_split"
        case inputQuality = "input_quality"
    }

    /// The size of the difference, in the unit it is judged in.
    public struct Effect: Sendable, Equatable {
        public var name: String
        public var value: Double?
        public var unit: String
    }

    /// A confidence interval for a difference between the cohorts.
    public struct Interval: Sendable, Equatable {
        public var name: String
        public var lower: Double
        public var upper: Double
        public var level: Double
        public var unit: String
    }

    /// The thresholds the effect was held against.
    public struct Threshold: Sendable, Equatable {
        public var warn: Double?
        public var fail: Double?
        public var description: String
    }

    /// The sample sizes the check used.
    public struct Samples: Sendable, Equatable {
        public var gray: Int
        public var normal: Int
    }
}

extension CheckResult {
    /// Records a test's statistic and p-value. log₁₀ p comes from the test where it stays finite past
    /// underflow, else from the p-value while that is positive.
    mutating func recordTest(statistic: Double?, pValue: Double, log10PValue: Double? = nil) {
        self.statistic = statistic
        self.pValue = pValue
        self.log10PValue = log10PValue ?? (pValue > 0 ? log10(pValue) : nil)
    }
}
