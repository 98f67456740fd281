/// The reason a line was rejected.
public enum RejectionReason: String, Sendable, CaseIterable, Comparable, Codable {
    case invalidJSON = "invalid_json"
    case notAnObject = "not_an_object"
    case lineTooLong = "line_too_long"
    case cutByDamage = "cut_by_damaged_input"

    /// A physical line without the shape of the container log wrapper in force (`input.wrapper`).
    case invalidWrapper = "invalid_wrapper"

    /// Partial pieces of a wrapped line whose final piece never came before the input ended.
    case unfinishedLine = "unfinished_line"

    public var description: String {
        switch self {
        case .invalidJSON: return "invalid JSON"
        case .notAnObject: return "not a JSON object"
        case .lineTooLong: return "line too long"
        case .cutByDamage: return "line cut off by damaged gzip input"
        case .invalidWrapper: return "invalid container log wrapper"
        case .unfinishedLine: return "partial line without its final piece"
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// One rejected line, kept as an example for the person reading the report.
public struct RejectedLine: Sendable, Equatable, Codable {
    /// The position of the input in the run's list of inputs, for ordering examples across inputs.
    var inputIndex: Int

    /// The chunk the line was read in; `line` counts from the chunk's start until the run renumbers it.
    var chunk = 0
    public var path: String
    public var line: Int
    public var reason: RejectionReason

    /// The specific problem, such as "unexpected character at column 2".
    public var detail: String
}

/// A damaged input: the run read every complete line before the damage and went on with the next input.
public struct InputDamage: Sendable, Equatable, Codable {
    public var path: String
    public var message: String
    public var kind: Kind

    /// What went wrong, which decides whether the lines read before it can be trusted.
    public enum Kind: String, Sendable, Codable {
        /// The stream ends inside a member, as a file still being written does: the lines before are sound.
        case truncated

        /// Bytes after the last member are not gzip: every member before them passed its checksum.
        case trailingGarbage = "trailing_garbage"

        /// The deflate data or a checksum is wrong. A decoder finds corruption only where the data stops
        /// making sense, or at the member's checksum, so lines decoded before that may be damaged too.
        case corrupt
    }

    init(path: String, error: InputError) {
        self.path = path
        self.message = error.description
        switch error {
        case .truncatedGzip: kind = .truncated
        case .trailingGarbage: kind = .trailingGarbage
        default: kind = .corrupt
        }
    }
}

/// The accounting of every line read: accepted, rejected with a reason, or blank.
///
/// `linesRead == acceptedLines + rejectedLines + blankLines` is true at every moment. Accepted lines are the
/// gray, normal and unassigned requests. Lines are logical lines: in a container log (`input.wrapper`) the
/// pieces of a split line count once, and the physical lines read are `linesRead + joinedPieces`.
struct InputAccounting: Sendable, Equatable, Codable {
    private(set) var linesRead = 0
    private(set) var blankLines = 0
    private(set) var acceptedLines = 0

    /// Accepted lines that the request filter set aside as not requests, and event lines of another type.
    private(set) var nonRequestLines = 0

    /// The counts of paired event lines (`Mapping.events`); all zero without pairing.
    private(set) var events = EventCounts()
    private(set) var rejectedByReason: [RejectionReason: Int] = [:]

    /// Physical lines that were the second or later piece of a wrapped line, joined into it.
    private(set) var joinedPieces = 0

    /// The first rejected lines in input order, at most `maxExamples` of them.
    var examples: [RejectedLine] = []

    private(set) var damage: [InputDamage] = []

    /// Accepted lines whose cohort value matched neither cohort, by that value.
    private(set) var unassigned = CategoryCounter(maxCategories: 100)

    /// The earliest and latest request timestamps read, in seconds since the epoch.
    private(set) var firstTimestamp: Double?
    private(set) var lastTimestamp: Double?

    /// Bytes read from the inputs, compressed size for gzip.
    var bytesRead: UInt64 = 0

    /// The number of rejected lines kept as examples.
    var maxExamples = 20

    var rejectedLines: Int { rejectedByReason.values.reduce(0, +) }

    init() {}

    /// Decodes an accounting; counts that an older summary does not have (joined pieces, non-request lines,
    /// events, the time range) are zero or absent.
    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        linesRead = try container.decode(Int.self, forKey: .linesRead)
        blankLines = try container.decode(Int.self, forKey: .blankLines)
        acceptedLines = try container.decode(Int.self, forKey: .acceptedLines)
        rejectedByReason = try container.decode([RejectionReason: Int].self, forKey: .rejectedByReason)
        joinedPieces = try container.decodeIfPresent(Int.self, forKey: .joinedPieces) ?? 0
        nonRequestLines = try container.decodeIfPresent(Int.self, forKey: .nonRequestLines) ?? 0
        events = try container.decodeIfPresent(EventCounts.self, forKey: .events) ?? EventCounts()
        firstTimestamp = try container.decodeIfPresent(Double.self, forKey: .firstTimestamp)
        lastTimestamp = try container.decodeIfPresent(Double.self, forKey: .lastTimestamp)
        examples = try container.decode([RejectedLine].self, forKey: .examples)
        damage = try container.decode([InputDamage].self, forKey: .damage)
        unassigned = try container.decode(CategoryCounter.self, forKey: .unassigned)
        bytesRead = try container.decode(UInt64.self, forKey: .bytesRead)
        maxExamples = try container.decode(Int.self, forKey: .maxExamples)
    }

    /// Returns whether a decoded accounting has counts in 0...`SummaryFile.maxCount` that reconcile, and no
    /// more examples or damage records than a summary may carry.
    func isConsistent() -> Bool {
        let countRange = 0...SummaryFile.maxCount
        let counts = [linesRead, blankLines, acceptedLines, joinedPieces, nonRequestLines, events.paired,
                      events.unpairedRequests, events.unpairedResponses, events.duplicates, events.evicted]
            + Array(rejectedByReason.values)
        // Checked before the sums, which then cannot overflow: there are at most a few dozen reasons.
        guard counts.allSatisfy({ countRange.contains($0) }), bytesRead <= UInt64(1) << 62 else { return false }
        return linesRead == acceptedLines + rejectedLines + blankLines
            && (0...SummaryFile.maxRecords).contains(maxExamples) && examples.count <= maxExamples
            && damage.count <= SummaryFile.maxRecords
    }

    mutating func countBlank() {
        linesRead += 1
        blankLines += 1
    }

    mutating func countAccepted() {
        linesRead += 1
        acceptedLines += 1
    }

    mutating func observeTimestamp(_ seconds: Double) {
        firstTimestamp = min(firstTimestamp ?? seconds, seconds)
        lastTimestamp = max(lastTimestamp ?? seconds, seconds)
    }

    mutating func countNonRequest() {
        nonRequestLines += 1
    }

    mutating func countEvents(_ update: (inout EventCounts) -> Void) {
        update(&events)
    }

    mutating func countJoinedPieces(_ count: Int) {
        joinedPieces += count
    }

    mutating func countUnassigned(_ value: UnsafeRawBufferPointer) {
        unassigned.record(value)
    }

    mutating func reject(_ rejected: RejectedLine) {
        linesRead += 1
        rejectedByReason[rejected.reason, default: 0] += 1
        if examples.count < maxExamples {
            examples.append(rejected)
        }
    }

    mutating func recordDamage(_ damage: InputDamage) {
        self.damage.append(damage)
    }

    /// Adds another accounting; examples keep the earliest lines by input and line number.
    mutating func merge(_ other: InputAccounting) {
        linesRead += other.linesRead
        blankLines += other.blankLines
        acceptedLines += other.acceptedLines
        nonRequestLines += other.nonRequestLines
        if let first = other.firstTimestamp { firstTimestamp = min(firstTimestamp ?? first, first) }
        if let last = other.lastTimestamp { lastTimestamp = max(lastTimestamp ?? last, last) }
        events.merge(other.events)
        joinedPieces += other.joinedPieces
        bytesRead += other.bytesRead
        for (reason, count) in other.rejectedByReason { rejectedByReason[reason, default: 0] += count }
        examples = Array((examples + other.examples)
            .sorted { ($0.inputIndex, $0.chunk, $0.line) < ($1.inputIndex, $1.chunk, $1.line) }
            .prefix(maxExamples))
        damage += other.damage
        unassigned.merge(other.unassigned)
    }
}

/// The outcome counts of the request and response event lines, when events are paired.
///
/// Every accepted event line of a request or response type ends in exactly one of these counts once the
/// input ends: `2 × paired + unpairedRequests + unpairedResponses + duplicates`. Until then some wait for
/// their partner. `evicted` is the part of the unpaired counts given up early at the `max_pending` limit.
struct EventCounts: Sendable, Equatable, Codable {
    /// Request events matched with their response; each pair is one request with a latency.
    var paired = 0

    /// Request events whose response never came; they are not requests in the cohort figures.
    var unpairedRequests = 0

    /// Response events whose request never came; each is a request without a latency.
    var unpairedResponses = 0

    /// Events with the id and kind of an event still waiting, ignored as redeliveries.
    var duplicates = 0

    /// Unpaired events given up because `max_pending` events were already waiting.
    var evicted = 0

    mutating func merge(_ other: EventCounts) {
        paired += other.paired
        unpairedRequests += other.unpairedRequests
        unpairedResponses += other.unpairedResponses
        duplicates += other.duplicates
        evicted += other.evicted
    }
}
