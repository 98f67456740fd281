/// Parses chunks into one worker's own log summary: framing, unwrapping, scanning, mapping and accumulating.
///
/// Each parser thread owns one, so the hot loop takes no lock. Line numbers are counted from the start of
/// each chunk; the run renumbers them once every chunk's line count is known.
struct ChunkParser {
    private(set) var summary: LogSummary
    private var mapper: RecordMapper
    private var record: Record
    private let maxLineLength: Int
    private let paths: [String]

    /// The pairing of request and response events, when the mapping has `events`; it needs every line in
    /// input order, so a parser that pairs must be the only one.
    private var pairer: EventPairer?

    /// The number of physical lines in each chunk parsed, by chunk sequence number.
    private(set) var lineCounts: [Int: Int] = [:]

    /// The cohort of every request of an input, by input position, for logs that name no cohort.
    var inputCohorts: [Int: Cohort] = [:]

    /// The cohort of the chunk being parsed, looked up once per chunk rather than per line.
    private var chunkCohort: Cohort?

    /// Seconds spent parsing, for `--stats`.
    private(set) var busySeconds = 0.0

    init(configuration: Configuration, paths: [String], maxExamples: Int) {
        summary = LogSummary(configuration: configuration)
        summary.input.maxExamples = maxExamples
        // Timestamps give the report its time range; a mapping without a timestamp path skips them.
        mapper = RecordMapper(mapping: configuration.mapping, timestamps: .range)
        record = mapper.makeRecord()
        maxLineLength = configuration.input.maxLineBytes
        self.paths = paths
        pairer = configuration.mapping.events.map { EventPairer(maxPending: $0.maxPending) }
    }

    /// Ends the input: gives up the events still waiting for their partner.
    mutating func finish() {
        pairer?.finish(into: &summary)
    }

    /// Parses one chunk and returns its number of lines.
    @discardableResult
    mutating func parse(_ chunk: Chunk) -> Int {
        let start = monotonicSeconds()
        defer { busySeconds += monotonicSeconds() - start }
        chunkCohort = inputCohorts.isEmpty ? nil : inputCohorts[chunk.inputIndex]

        let lines: Int
        switch chunk.content {
        case .lines(let buffer):
            var framer = LineFramer(maxLineLength: maxLineLength, stripsByteOrderMark: chunk.startsInput)
            if chunk.wrapper == .none {
                // Unwrapped lines skip the unwrapper, which would only pass them on at some cost per line.
                framer.feed(buffer.bytes) { handle($0, chunk: chunk) }
                framer.finish { handle($0, chunk: chunk) }
            } else {
                // The reader ends a chunk where no wrapped line is open, or marks it, so pieces are joined within it.
                var unwrapper = LineUnwrapper(wrapper: chunk.wrapper, maxLineLength: maxLineLength,
                                              discarding: chunk.discardingStreams)
                framer.feed(buffer.bytes) { framed in unwrapper.feed(framed) { handle($0, chunk: chunk) } }
                framer.finish { framed in unwrapper.feed(framed) { handle($0, chunk: chunk) } }
                unwrapper.finish(cutInsideLine: chunk.endsInsideLine) { handle($0, chunk: chunk) }
                summary.input.countJoinedPieces(unwrapper.joinedPieces)
            }
            lines = framer.lineCount
        case .oversizedLine(let length):
            handle(.oversized(number: 1, length: length), chunk: chunk)
            lines = 1
        case .cutLine(let length):
            handle(.cut(number: 1, length: length), chunk: chunk)
            lines = 1
        }
        lineCounts[chunk.sequence] = lines
        if let range = mapper.drainTimeRange() {
            summary.input.observeTimestamp(range.lowerBound)
            summary.input.observeTimestamp(range.upperBound)
        }
        return lines
    }

    private mutating func handle(_ framed: FramedLine, chunk: Chunk) {
        switch framed {
        case .line(let bytes, let number):
            read(bytes, number: number, chunk: chunk)
        case .oversized(let number, let length):
            reject(chunk, number, .lineTooLong, LineUnwrapper.oversizedDetail(length: length, limit: maxLineLength))
        case .cut(let number, let length):
            reject(chunk, number, .cutByDamage, LineUnwrapper.cutDetail(length: length))
        }
    }

    private mutating func handle(_ logical: LogicalLine, chunk: Chunk) {
        switch logical {
        case .line(let bytes, let number):
            read(bytes, number: number, chunk: chunk)
        case .rejected(let number, let reason, let detail):
            reject(chunk, number, reason, detail)
        }
    }

    private mutating func read(_ bytes: UnsafeRawBufferPointer, number: Int, chunk: Chunk) {
        switch mapper.read(bytes, into: &record) {
        case .object:
            if let chunkCohort {
                record.cohort = chunkCohort
            }
            if pairer != nil {
                pairer?.take(record, line: bytes, into: &summary)
            } else {
                summary.record(record, line: bytes)
            }
        case .blank:
            summary.input.countBlank()
        case .invalid(let error):
            let (reason, detail) = Self.rejection(of: bytes, error)
            reject(chunk, number, reason, detail)
        }
    }

    /// Returns the reason and detail of a line that is not a JSON object.
    static func rejection(of line: UnsafeRawBufferPointer, _ error: JSONSyntaxError) -> (RejectionReason, String) {
        if error.kind == .notAnObject {
            return (.notAnObject, "the line is \(describeTopLevelValue(line)), not an object")
        }
        return (.invalidJSON, "\(error.kind.rawValue) at column \(error.column)")
    }

    private mutating func reject(_ chunk: Chunk, _ number: Int, _ reason: RejectionReason, _ detail: String) {
        summary.input.reject(RejectedLine(inputIndex: chunk.inputIndex, chunk: chunk.sequence, path: paths[chunk.inputIndex],
                                          line: number, reason: reason, detail: detail))
    }

    /// Names the JSON type of a line's top-level value from its first byte, for a rejection message.
    private static func describeTopLevelValue(_ line: UnsafeRawBufferPointer) -> String {
        let first = line.first { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }
        switch first {
        case UInt8(ascii: "["): return "a JSON array"
        case UInt8(ascii: "\""): return "a JSON string"
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return "a JSON Boolean"
        case UInt8(ascii: "n"): return "JSON null"
        default: return "a JSON number"
        }
    }
}
