/// Settings for `graygate simulate`: the traffic to generate, the two cohorts' behaviour, and the regression
/// injected into the gray cohort.
///
/// Every property has a default, so `SimulationParameters()` describes a healthy 10,000-request log. Call
/// `validate()` before use, unless the parameters go to `simulate(_:gzip:gzipMembers:gzipLevel:to:)`, which
/// validates them itself.
///
/// ## The injected regression
/// The normal cohort always follows the base settings. The gray cohort differs by:
/// - `latencyShift`: gray latency is multiplied by 1 + latencyShift, so its median is
///   latencyMedianMilliseconds · (1 + latencyShift) and sigma is unchanged.
/// - `errorRateIncrease`: gray's error rate is baseErrorRate + errorRateIncrease.
/// - `drift` d in [0, 1], which blends each gray distribution with its mirror image:
///   - score: gray draws from Beta((1 − d)·α + d·β, (1 − d)·β + d·α), where α and β are `scoreAlpha` and
///     `scoreBeta`. The concentration α + β stays fixed and the mean moves linearly from α / (α + β) at
///     d = 0 to β / (α + β) at d = 1. With the defaults Beta(5, 2), d = 0.2 gives Beta(4.4, 2.6) and moves
///     the mean from 0.714 to 0.629.
///   - label: the weight of the label at position i of `labelWeights` (k labels) becomes
///     (1 − d)·w[i] + d·w[k − 1 − i], so weight moves toward the label at the mirrored position. With the
///     defaults (positive 0.6, neutral 0.3, negative 0.1), d = 0.2 gives 0.5, 0.3, 0.2. A table whose
///     weights are symmetric under reversal does not move.
public struct SimulationParameters: Sendable, Equatable {
    /// The start time 2026-12-04T08:00:00Z, in milliseconds since the Unix epoch.
    public static let defaultStartTimeMilliseconds: Int64 = 1_796_371_200_000

    /// The default label table: positive 0.6, neutral 0.3, negative 0.1.
    public static let defaultLabelWeights = [
        LabelWeight(label: "positive", weight: 0.6),
        LabelWeight(label: "neutral", weight: 0.3),
        LabelWeight(label: "negative", weight: 0.1),
    ]

    /// The default error mix: 500 half of the time, 503 three tenths, 504 one fifth.
    public static let defaultErrorResponses = [
        ErrorResponseWeight(status: 500, message: "internal server error", weight: 0.5),
        ErrorResponseWeight(status: 503, message: "service unavailable", weight: 0.3),
        ErrorResponseWeight(status: 504, message: "upstream timeout", weight: 0.2),
    ]

    /// The seed of the random stream; the same parameters and seed give the same bytes.
    public var seed: UInt64

    /// The number of log lines, one per request.
    public var requestCount: Int

    /// The probability that a request belongs to the gray cohort, drawn independently per request.
    public var grayShare: Double

    /// The mean request rate, in requests per second; gaps between requests are exponential with this rate.
    public var requestsPerSecond: Double

    /// The time before the first request, in milliseconds since the Unix epoch (UTC).
    public var startTimeMilliseconds: Int64

    /// The median latency of the normal cohort, in milliseconds.
    public var latencyMedianMilliseconds: Double

    /// The standard deviation of the natural logarithm of latency.
    public var latencySigma: Double

    /// The probability that a normal-cohort request fails.
    public var baseErrorRate: Double

    /// The statuses and messages written for failed requests, with their relative weights.
    public var errorResponses: [ErrorResponseWeight]

    /// The prediction labels of the normal cohort, with their relative weights.
    public var labelWeights: [LabelWeight]

    /// The α parameter of the normal cohort's Beta score distribution.
    public var scoreAlpha: Double

    /// The β parameter of the normal cohort's Beta score distribution.
    public var scoreBeta: Double

    /// The relative latency increase of the gray cohort: 0.2 means 20% slower. Must be greater than −1.
    public var latencyShift: Double

    /// The amount added to the gray cohort's error rate, as a probability: 0.02 adds two percentage points.
    public var errorRateIncrease: Double

    /// The strength, from 0 to 1, with which gray scores and labels move toward their mirror images.
    public var drift: Double

    /// The `model_version` written for the gray cohort.
    public var grayVersion: String

    /// The `model_version` written for the normal cohort.
    public var normalVersion: String

    /// Creates parameters; every argument has the default of a healthy 10,000-request log.
    public init(
        seed: UInt64 = 1,
        requestCount: Int = 10_000,
        grayShare: Double = 0.1,
        requestsPerSecond: Double = 200,
        startTimeMilliseconds: Int64 = SimulationParameters.defaultStartTimeMilliseconds,
        latencyMedianMilliseconds: Double = 150,
        latencySigma: Double = 0.5,
        baseErrorRate: Double = 0.01,
        errorResponses: [ErrorResponseWeight] = SimulationParameters.defaultErrorResponses,
        labelWeights: [LabelWeight] = SimulationParameters.defaultLabelWeights,
        scoreAlpha: Double = 5,
        scoreBeta: Double = 2,
        latencyShift: Double = 0,
        errorRateIncrease: Double = 0,
        drift: Double = 0,
        grayVersion: String = "v2.1",
        normalVersion: String = "v2.0"
    ) {
        self.seed = seed
        self.requestCount = requestCount
        self.grayShare = grayShare
        self.requestsPerSecond = requestsPerSecond
        self.startTimeMilliseconds = startTimeMilliseconds
        self.latencyMedianMilliseconds = latencyMedianMilliseconds
        self.latencySigma = latencySigma
        self.baseErrorRate = baseErrorRate
        self.errorResponses = errorResponses
        self.labelWeights = labelWeights
        self.scoreAlpha = scoreAlpha
        self.scoreBeta = scoreBeta
        self.latencyShift = latencyShift
        self.errorRateIncrease = errorRateIncrease
        self.drift = drift
        self.grayVersion = grayVersion
        self.normalVersion = normalVersion
    }

    /// The gray cohort's error rate, baseErrorRate + errorRateIncrease.
    public var grayErrorRate: Double { baseErrorRate + errorRateIncrease }

    /// The gray cohort's median latency in milliseconds, latencyMedianMilliseconds · (1 + latencyShift).
    public var grayLatencyMedianMilliseconds: Double { latencyMedianMilliseconds * (1 + latencyShift) }

    /// The gray cohort's Beta parameters after drift: each of α and β moves toward the other by `drift`.
    public var grayScoreParameters: (alpha: Double, beta: Double) {
        ((1 - drift) * scoreAlpha + drift * scoreBeta, (1 - drift) * scoreBeta + drift * scoreAlpha)
    }

    /// The gray cohort's label weights after drift, in the order of `labelWeights`.
    public var grayLabelWeights: [LabelWeight] {
        let count = labelWeights.count
        return labelWeights.indices.map { index in
            let mirrored = labelWeights[count - 1 - index].weight
            let weight = (1 - drift) * labelWeights[index].weight + drift * mirrored
            return LabelWeight(label: labelWeights[index].label, weight: weight)
        }
    }
}

/// A prediction label and its relative weight.
public struct LabelWeight: Sendable, Equatable {
    /// The text written as `prediction.label`.
    public var label: String

    /// The relative weight; the weights of a table need not sum to 1.
    public var weight: Double

    public init(label: String, weight: Double) {
        self.label = label
        self.weight = weight
    }
}

/// An error response: the HTTP status and `error` message written for a failed request, and its relative
/// weight among failures.
public struct ErrorResponseWeight: Sendable, Equatable {
    /// The HTTP status, from 400 to 599.
    public var status: Int

    /// The text written as `error`.
    public var message: String

    /// The relative weight; the weights of a table need not sum to 1.
    public var weight: Double

    public init(status: Int, message: String, weight: Double) {
        self.status = status
        self.message = message
        self.weight = weight
    }
}
