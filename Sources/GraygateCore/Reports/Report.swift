/// The whole result of an analysis, as one value that every output format renders.
///
/// Numbers that cannot be computed are nil, and the reason is in the owning value's `notes`, so the JSON
/// rendering never contains NaN or infinity.
public struct Report: Sendable, Equatable {
    /// The version of this report's JSON layout; it changes when a field is renamed or removed.
    public var schemaVersion = 1

    public var tool = "graygate"
    public var toolVersion = GraygateVersion.current

    public var verdict: Verdict

    /// One sentence that explains the verdict.
    public var reason: String

    public var input: InputReport
    public var cohorts: [CohortReport]
    public var traffic: TrafficReport
    public var checks: [CheckResult]
    public var settings: SettingsReport

    /// Remarks on the input that change what the report covers, such as a mapped field that never appeared.
    public var notes: [String] = []

    /// The stored summary whose normal cohort replaced this period's, if any.
    public var baseline: String?

    public func cohort(_ cohort: Cohort) -> CohortReport? {
        cohorts.first { $0.cohort == cohort }
    }

    public func check(_ id: String) -> CheckResult? {
        checks.first { $0.id == id }
    }
}

/// The version of graygate.
public enum GraygateVersion {
    public static let current = "0.1.0"
}

/// The accounting of every line read. Lines are logical: the pieces of a line split by a container runtime count once.
public struct InputReport: Sendable, Equatable {
    public var files: [String]
    public var bytesRead: UInt64
    public var linesRead: Int
    public var acceptedLines: Int
    public var rejectedLines: Int
    public var blankLines: Int

    /// Physical lines of a container log that were the second or later piece of a split line, joined into it.
    /// The physical lines read are `linesRead + joinedPieces`.
    public var joinedPieces: Int
    public var rejectedByReason: [String: Int]
    public var rejectedExamples: [RejectedLine]

    /// Accepted lines whose cohort value matched neither cohort, by that value.
    public var unassignedByValue: [String: Int]
    public var unassignedLines: Int

    /// Accepted lines that the request filter set aside as not requests, and event lines of another type.
    public var nonRequestLines = 0

    /// The earliest and latest timestamps of the lines read (`mapping.timestamp`), in seconds since the
    /// epoch; nil when no line had a readable timestamp.
    public var timeRange: ClosedRange<Double>?
    public var damage: [InputDamage]

    /// The outcome counts of the request and response events, when the mapping pairs them; nil otherwise.
    public var events: EventReport?

    /// A Boolean value that indicates whether every line read is accounted for exactly once.
    public var isReconciled: Bool { linesRead == acceptedLines + rejectedLines + blankLines }
}

/// The outcome counts of the request and response event lines when events are paired.
///
/// Once the input ends, every request or response event line is in exactly one count:
/// `2 × paired + unpairedRequests + unpairedResponses + duplicates + pending`.
public struct EventReport: Sendable, Equatable {
    /// Request events matched with their response; each pair is one request with a latency.
    public var paired: Int

    /// Request events whose response never came; they are not counted as requests.
    public var unpairedRequests: Int

    /// Response events whose request never came; each counts as a request without a latency.
    public var unpairedResponses: Int

    /// Events with the id and kind of an event still waiting, ignored as redeliveries.
    public var duplicates: Int

    /// The part of the unpaired events given up early because `maxPending` events were waiting.
    public var evicted: Int

    /// Events still waiting for their partner: nonzero only in `watch` reports before the input ends.
    public var pending: Int

    /// The configured limit on waiting events (`mapping.events.max_pending`).
    public var maxPending: Int
}

/// The figures of one cohort.
public struct CohortReport: Sendable, Equatable {
    public var cohort: Cohort
    public var requests: Int
    public var errors: Int
    public var errorRate: Double?

    /// Requests without a status field, with a status that is not a whole number, and without the error field.
    public var statusMissing: Int
    public var statusInvalid: Int
    public var errorFieldMissing: Int

    public var latency: DistributionReport

    /// The latency counted at fixed bounds, in seconds, for Prometheus.
    public var latencyHistogram: HistogramReport
    public var numericFields: [DistributionReport]
    public var categoricalFields: [CategoriesReport]
}

/// A numeric distribution's summary; for latency the unit is milliseconds.
public struct DistributionReport: Sendable, Equatable {
    public var name: String
    public var count: Int
    public var missing: Int
    public var invalid: Int
    public var mean: Double?
    public var min: Double?
    public var max: Double?
    public var p50: Double?
    public var p90: Double?
    public var p95: Double?
    public var p99: Double?

    /// `exact` (numpy's linear quantiles) or `sketch` (bucket representatives within `relative_accuracy`).
    public var quantileMethod: String
    public var relativeAccuracy: Double?

    public func quantile(_ quantile: LatencyQuantile) -> Double? {
        switch quantile {
        case .p50: return p50
        case .p90: return p90
        case .p95: return p95
        case .p99: return p99
        }
    }
}

/// Latencies counted at fixed upper bounds, in seconds: a Prometheus histogram.
///
/// The bounds are the same in every run, so histograms of several runs or instances add up bucket by bucket.
/// The implicit last bucket, `+Inf`, contains every value and equals `count`.
public struct HistogramReport: Sendable, Equatable {
    /// The finite upper bounds in seconds, ascending. A value equal to a bound counts in that bound's bucket.
    public var upperBounds: [Double]

    /// The number of values at or below each bound, so the counts never decrease.
    public var cumulativeCounts: [Int]

    /// The number of values, that is, requests with a valid latency.
    public var count: Int

    /// The sum of the values in seconds, or nil when it is not finite.
    public var sum: Double?
}

/// A categorical field's counts in one cohort.
public struct CategoriesReport: Sendable, Equatable {
    public var name: String
    public var count: Int
    public var missing: Int
    public var categories: [String: Int]

    /// Values beyond the category limit, counted together.
    public var other: Int
}

/// The observed traffic split.
public struct TrafficReport: Sendable, Equatable {
    public var grayShare: Double?
    public var expectedGrayShare: Double?
}

/// The settings the verdicts were computed with.
public struct SettingsReport: Sendable, Equatable {
    public var alpha: Double
    public var multipleTestingCorrection = "holm"
    public var minimumSamples: Int
    public var maxRejectedShare: Double
}
