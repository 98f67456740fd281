/// Everything that decides how graygate reads a log and judges a rollout: the field mapping, the checks and
/// their thresholds, and input limits. Every value has a default, so no configuration file is needed for
/// logs in the default shape.
public struct Configuration: Sendable, Equatable {
    /// The name of the preset this configuration started from, if any.
    public var preset: String?

    public var mapping = Mapping()
    public var checks = CheckSettings()
    public var input = InputSettings()

    public init() {}
}

/// The paths of the fields in a log line and the rules for reading their values.
public struct Mapping: Sendable, Equatable {
    /// The field that marks a line as a request, for logs that mix request lines with other messages;
    /// nil counts every object line as a request.
    public var requestFilter: RequestFilter?

    /// The path of the field that names the cohort.
    public var cohortPath = FieldPath("cohort")!

    /// Values of the cohort field that mean the gray (canary) cohort; compared byte for byte.
    public var grayValues = ["gray", "canary"]

    /// Values of the cohort field that mean the normal (baseline) cohort.
    public var normalValues = ["normal", "stable", "baseline", "control"]

    /// Steps that turn the cohort field into the value matched, such as a part of Envoy's `upstream_cluster`.
    public var cohortTransform: ValueTransform?

    /// When set, presence alone decides: a non-empty cohort value means this cohort, and an empty or
    /// missing one the other, as ingress-nginx fills `proxy_alternative_upstream_name` only for the canary.
    public var cohortWhenNonEmpty: Cohort?

    /// The path of the request latency.
    public var latencyPath = FieldPath("latency_ms")!

    /// The unit the latency is logged in; graygate reports milliseconds. Strings with their own unit
    /// (`"270.6ms"`, `"1.3s"`) are read in that unit.
    public var latencyUnit = LatencyUnit.milliseconds

    /// Steps that turn the latency field into the value read.
    public var latencyTransform: ValueTransform?

    /// The separator of a latency written as a list to add up, as ingress-nginx writes one time per
    /// upstream attempt (`"0.001, 0.219"`); nil reads a single number.
    public var latencyListSeparator: String?

    /// Two timestamps whose difference is the latency, for logs that record times rather than durations.
    /// When set, it replaces `latencyPath`.
    public var latencyInterval: TimestampInterval?

    /// The pairing of request and response events, for logs with one line per event; nil reads one line
    /// per request. When set, the latency is the time between the two events and replaces `latencyPath`.
    public var events: EventPairing?

    /// The path of the HTTP or gRPC-mapped status code, or nil to ignore status codes.
    public var statusPath: FieldPath? = FieldPath("status")!

    /// Status codes that count as errors, as closed ranges.
    public var errorStatuses: [ClosedRange<Int>] = [500...999]

    /// The path of an error field: any value but `null` and `false` marks an error. Nil to ignore it.
    public var errorPath: FieldPath? = FieldPath("error")!

    /// Steps that turn the error field into the value read.
    public var errorTransform: ValueTransform?

    /// Values of the error field that do not mark an error, such as Envoy's `-` for no response flag.
    public var nonErrorValues: [String] = []

    /// Whether a JSON string that is wholly a number (`"182.5"`) is read as that number.
    public var numbersInStrings = true

    /// The path of the request's timestamp: an RFC 3339 string or a number since the Unix epoch. It is read
    /// only where log time matters, by `watch --window-clock log`. Nil to ignore it.
    public var timestampPath: FieldPath? = FieldPath("ts")!

    /// The unit of numeric timestamps.
    public var timestampUnit = TimestampUnit.automatic

    /// Numeric model outputs and other numeric fields compared for drift.
    public var numericFields = [NumericField(name: "score", path: FieldPath("prediction.score")!, range: 0...1, resolution: 0.001)]

    /// Categorical model outputs compared for drift.
    public var categoricalFields = [CategoricalField(name: "label", path: FieldPath("prediction.label")!)]

    public init() {}
}

/// The unit of a logged latency.
public enum LatencyUnit: String, Sendable, CaseIterable {
    case seconds = "s"
    case milliseconds = "ms"
    case microseconds = "us"
    case nanoseconds = "ns"

    /// The factor that converts a value in this unit to milliseconds.
    var millisecondsPerUnit: Double {
        switch self {
        case .seconds: return 1000
        case .milliseconds: return 1
        case .microseconds: return 0.001
        case .nanoseconds: return 0.000_001
        }
    }
}

/// A numeric field compared between cohorts.
public struct NumericField: Sendable, Equatable {
    /// The name shown in reports and metric labels.
    public var name: String

    public var path: FieldPath

    /// The range where values are counted on a fine linear grid rather than the relative-error sketch.
    ///
    /// Scores and probabilities in [0, 1] need absolute, not relative, resolution: KS and PSI compare
    /// cumulative shares, and a 1% relative bucket near 0.9 is 0.009 wide.
    public var range: ClosedRange<Double>?

    /// The width of the linear grid inside `range`; values logged with at most that many decimals are exact.
    public var resolution: Double?

    /// Steps that turn the field into the value read, such as a prediction inside a JSON string.
    public var transform: ValueTransform?

    public init(name: String, path: FieldPath, range: ClosedRange<Double>? = nil, resolution: Double? = nil) {
        self.name = name
        self.path = path
        self.range = range
        self.resolution = resolution
    }
}

/// The field that marks request lines among other log lines.
public struct RequestFilter: Sendable, Equatable {
    public var path: FieldPath

    /// The values that mark a request; empty means any value but `null`.
    public var values: [String]

    public init(path: FieldPath, values: [String] = []) {
        self.path = path
        self.values = values
    }
}

/// Two timestamp fields whose difference is a duration: RFC 3339 strings or numbers in `Mapping.timestampUnit`.
public struct TimestampInterval: Sendable, Equatable {
    public var start: FieldPath
    public var end: FieldPath

    public init(start: FieldPath, end: FieldPath) {
        self.start = start
        self.end = end
    }
}

/// A categorical field compared between cohorts.
public struct CategoricalField: Sendable, Equatable {
    public var name: String
    public var path: FieldPath

    /// The number of distinct values counted per cohort; later new values are counted together as other.
    public var maxCategories = 1000

    /// Steps that turn the field into the value counted.
    public var transform: ValueTransform?

    public init(name: String, path: FieldPath, maxCategories: Int = 1000) {
        self.name = name
        self.path = path
        self.maxCategories = maxCategories
    }
}

/// Limits on input.
public struct InputSettings: Sendable, Equatable {
    /// The maximum line length read, in bytes; longer lines are rejected.
    public var maxLineBytes = 16 << 20

    /// The number of exact values kept per field and cohort before the relative-error sketch takes over.
    public var exactSampleLimit = 8192

    /// The relative accuracy of the latency and numeric sketches.
    public var sketchRelativeAccuracy = 0.005

    /// The container log format each line is wrapped in, decided per input from its first line by default.
    public var wrapper = LogWrapper.automatic

    public init() {}
}
