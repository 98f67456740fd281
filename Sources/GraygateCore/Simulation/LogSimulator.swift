/// A generator of synthetic JSON-lines inference logs, one line per request, in graygate's default shape:
///
///     {"ts":"2026-12-04T08:00:00.123Z","request_id":"req-1","cohort":"gray","model_version":"v2.1",
///      "latency_ms":182.5,"status":200,"error":null,"prediction":{"label":"positive","score":0.913}}
///
/// (one line in the output, wrapped here). Numbers are written with fixed decimals: latency with 2 and
/// score with 3, so 182.5 appears as `182.50`. Every request, failed or not, has a prediction, and its
/// label and score are drawn independently of each other.
///
/// Each request draws, in this order: the gap since the previous request, its cohort, its latency, whether
/// it fails, the error response if it fails, its label and its score. The draws come from one seeded
/// stream, so a simulator started from the same parameters always writes the same bytes.
///
/// Lines are formatted straight into a byte buffer: string fragments are rendered once, in `init`, and
/// numbers and timestamps are written digit by digit, with no `String` or encoder per line.
struct LogSimulator {
    /// The settings and fragments that differ between the gray and the normal cohort.
    private struct Cohort {
        /// `","cohort":"<name>","model_version":"<version>","latency_ms":`, which ends the request id.
        let fragment: [UInt8]
        let latency: LogNormalDistribution
        let errorRate: Double
        let labels: CategoricalDistribution

        /// `"<label>","score":` for each label, in the order of the label table.
        let labelFragments: [[UInt8]]
        let score: BetaDistribution
    }

    /// The maximum latency written, in milliseconds (about 31.7 years), so that the value scaled to
    /// hundredths always fits in `UInt64`. With validated parameters a draw this large is practically
    /// impossible.
    static let maximumLatencyMilliseconds = 1e12

    private var generator: Xoshiro256StarStar
    private let arrivalGap: ExponentialDistribution
    private let grayShare: Double
    private let gray: Cohort
    private let normal: Cohort
    private let errorResponses: CategoricalDistribution

    /// `,"status":200,"error":null,"prediction":{"label":`, which ends the latency of a successful request.
    private let successFragment: [UInt8]

    /// The same fragment for each failure, with its status and message, in the order of the error table.
    private let errorFragments: [[UInt8]]

    private let startTimeMilliseconds: Int64
    private(set) var elapsedSeconds = 0.0
    private var timestampWriter = UTCTimestampWriter()

    /// The number in the next request id, `req-<number>`, starting at 1.
    private(set) var nextRequestNumber: UInt64 = 1

    /// The maximum length in bytes of a line this simulator writes, newline included.
    let maximumLineLength: Int

    /// Creates a simulator at the first request.
    ///
    /// - Throws: `SimulationParameterError` for an out-of-range parameter.
    init(parameters: SimulationParameters) throws {
        try parameters.validate()

        generator = Xoshiro256StarStar(seed: parameters.seed)
        arrivalGap = ExponentialDistribution(rate: parameters.requestsPerSecond)
        grayShare = parameters.grayShare
        startTimeMilliseconds = parameters.startTimeMilliseconds

        let labelFragments = parameters.labelWeights.map { jsonStringLiteral($0.label) + Array(#","score":"#.utf8) }
        let grayScore = parameters.grayScoreParameters
        gray = Cohort(
            fragment: Self.cohortFragment(name: "gray", version: parameters.grayVersion),
            latency: LogNormalDistribution(
                median: parameters.grayLatencyMedianMilliseconds, sigma: parameters.latencySigma),
            errorRate: parameters.grayErrorRate,
            labels: CategoricalDistribution(weights: parameters.grayLabelWeights.map(\.weight)),
            labelFragments: labelFragments,
            score: BetaDistribution(alpha: grayScore.alpha, beta: grayScore.beta)
        )
        normal = Cohort(
            fragment: Self.cohortFragment(name: "normal", version: parameters.normalVersion),
            latency: LogNormalDistribution(
                median: parameters.latencyMedianMilliseconds, sigma: parameters.latencySigma),
            errorRate: parameters.baseErrorRate,
            labels: CategoricalDistribution(weights: parameters.labelWeights.map(\.weight)),
            labelFragments: labelFragments,
            score: BetaDistribution(alpha: parameters.scoreAlpha, beta: parameters.scoreBeta)
        )

        errorResponses = CategoricalDistribution(weights: parameters.errorResponses.map(\.weight))
        successFragment = Array(#","status":200,"error":null,"prediction":{"label":"#.utf8)
        errorFragments = parameters.errorResponses.map { response in
            Array(#","status":\#(response.status),"error":"#.utf8)
                + jsonStringLiteral(response.message)
                + Array(#","prediction":{"label":"#.utf8)
        }

        let longestNumbers = UInt64.max.description.utf8.count  // request number
            + 13 + 1 + 2  // latency up to maximumLatencyMilliseconds, a point and 2 decimals
            + 5  // score, at most 1.000
        maximumLineLength = Self.lineStart.utf8CodeUnitCount + UTCTimestampWriter.length
            + Self.requestIDStart.utf8CodeUnitCount + longestNumbers
            + max(gray.fragment.count, normal.fragment.count)
            + max(successFragment.count, errorFragments.map(\.count).max() ?? 0)
            + (labelFragments.map(\.count).max() ?? 0)
            + Self.lineEnd.utf8CodeUnitCount
    }

    private static let lineStart: StaticString = #"{"ts":""#
    private static let requestIDStart: StaticString = #"","request_id":"req-"#
    private static let lineEnd: StaticString = "}}\n"

    private static func cohortFragment(name: String, version: String) -> [UInt8] {
        Array(#"","cohort":"#.utf8) + jsonStringLiteral(name)
            + Array(#","model_version":"#.utf8) + jsonStringLiteral(version)
            + Array(#","latency_ms":"#.utf8)
    }

    /// Draws the next request and writes its line, newline included, returning the number of bytes written.
    ///
    /// - Precondition: `output` has room for `maximumLineLength` bytes.
    @inline(__always)
    mutating func writeLine(to output: UnsafeMutablePointer<UInt8>) -> Int {
        elapsedSeconds += arrivalGap.sample(using: &generator)
        let isGray = generator.nextUniform() < grayShare
        let cohort = isGray ? gray : normal
        let latency = min(cohort.latency.sample(using: &generator), Self.maximumLatencyMilliseconds)
        let statusFragment: [UInt8]
        if generator.nextUniform() < cohort.errorRate {
            statusFragment = errorFragments[errorResponses.sample(using: &generator)]
        } else {
            statusFragment = successFragment
        }
        let label = cohort.labels.sample(using: &generator)
        let score = cohort.score.sample(using: &generator)

        // Truncating the elapsed milliseconds keeps timestamps non-decreasing. The clamp keeps a four-digit
        // year even for a log that would run past 9999-12-31.
        let milliseconds = min(
            startTimeMilliseconds + Int64(elapsedSeconds * 1000),
            SimulationParameters.maximumStartTimeMilliseconds
        )

        var position = writeBytes(Self.lineStart, to: output)
        timestampWriter.write(millisecondsSinceEpoch: milliseconds, to: output + position)
        position += UTCTimestampWriter.length
        position += writeBytes(Self.requestIDStart, to: output + position)
        position += writeDecimal(nextRequestNumber, to: output + position)
        position += writeBytes(cohort.fragment, to: output + position)
        position += writeFixedPoint(UInt64((latency * 100).rounded()), fractionDigits: 2, to: output + position)
        position += writeBytes(statusFragment, to: output + position)
        position += writeBytes(cohort.labelFragments[label], to: output + position)
        position += writeFixedPoint(UInt64((score * 1000).rounded()), fractionDigits: 3, to: output + position)
        position += writeBytes(Self.lineEnd, to: output + position)

        nextRequestNumber += 1
        return position
    }

    /// Writes the next `lineCount` lines to `sink` in chunks of whole lines, each from `chunkSize` bytes up
    /// to `chunkSize + maximumLineLength`, except a shorter last chunk.
    ///
    /// Memory stays at one chunk buffer whatever the line count. The buffer passed to `sink` is valid only
    /// during the call.
    mutating func writeLines(
        _ lineCount: Int, chunkSize: Int = 1 << 20, to sink: (UnsafeRawBufferPointer) throws -> Void
    ) rethrows {
        precondition(lineCount >= 0, "line count must not be negative")
        precondition(chunkSize > 0, "chunk size must be positive")

        var chunk = [UInt8](repeating: 0, count: chunkSize + maximumLineLength)
        var remainingLines = lineCount
        while remainingLines > 0 {
            let byteCount = chunk.withUnsafeMutableBufferPointer { buffer -> Int in
                let base = buffer.baseAddress!  // The buffer is never empty: chunkSize > 0.
                var position = 0
                // A line starts only below chunkSize, so it always has maximumLineLength bytes of room.
                while remainingLines > 0 && position < chunkSize {
                    position += writeLine(to: base + position)
                    remainingLines -= 1
                }
                return position
            }
            try chunk.withUnsafeBytes { bytes in
                try sink(UnsafeRawBufferPointer(rebasing: bytes[..<byteCount]))
            }
        }
    }
}
