/// One logical line of the application's log, or the reason it was rejected before its JSON was read.
enum LogicalLine {
    /// The application's line, numbered by the physical line of its first piece. The bytes are valid only during
    /// the callback.
    case line(UnsafeRawBufferPointer, number: Int)

    /// A line rejected by framing or unwrapping, numbered by the physical line of its first piece.
    case rejected(number: Int, reason: RejectionReason, detail: String)
}

/// Turns framed physical lines of a container log into the application's logical lines.
///
/// With `.cri` or `.docker`, each physical line is read as a piece: a partial piece opens or extends its
/// stream's line, and a final piece completes it, so stdout and stderr pieces may interleave. A line that
/// needs no joining is passed on without copying; a joined one is gathered in a per-stream buffer. With
/// `.none` every line passes through, and `.automatic` decides from the first non-blank line.
///
/// Memory stays bounded. A joined line longer than `maxLineLength` is rejected as `line_too_long` as soon as
/// it passes the limit, and so is a line whose pieces spread over more than twice `maxLineLength` bytes of
/// input. The rest of its pieces are dropped as they arrive. Every physical line is accounted for once: as a
/// logical line (accepted, rejected or blank) if it is a line's first piece, else in `joinedPieces`.
///
/// ```
/// var unwrapper = LineUnwrapper(wrapper: .cri, maxLineLength: 1 << 20)
/// framer.feed(chunk) { framed in unwrapper.feed(framed) { line in ... } }
/// framer.finish { framed in unwrapper.feed(framed) { line in ... } }
/// unwrapper.finish { line in ... }
/// ```
struct LineUnwrapper {
    /// The wrapper in force; `.automatic` until the first non-blank line decides it.
    private(set) var wrapper: LogWrapper

    /// The maximum length of a logical line, in bytes.
    let maxLineLength: Int

    /// The physical lines that were second or later pieces of a logical line.
    private(set) var joinedPieces = 0

    private var tracker: PartialLineTracker

    /// The open line of each stream, by `LogStream.rawValue`; nil where the tracker is not gathering.
    private var open: [OpenLine?] = [nil, nil]

    /// Space to decode a Docker payload that completes its line alone.
    private var scratch: [UInt8] = []

    private struct OpenLine {
        var number: Int
        var pieces = 1

        /// The joined payload so far; it is rejected as soon as it passes `maxLineLength`.
        var bytes: [UInt8] = []
    }

    /// Creates an unwrapper; `discarding` names streams whose line began and was rejected before these lines.
    init(wrapper: LogWrapper, maxLineLength: Int, discarding: LogStreams = []) {
        precondition(maxLineLength > 0, "maxLineLength must be positive")
        self.wrapper = wrapper
        self.maxLineLength = maxLineLength
        tracker = PartialLineTracker(maxSpan: Self.maxSpan(maxLineLength: maxLineLength), discarding: discarding)
    }

    /// Returns the span past which an open line is abandoned: twice the line limit, so that the pieces of a line
    /// at the limit fit with their prefixes, Docker's escapes and some lines of the other stream between them.
    static func maxSpan(maxLineLength: Int) -> Int {
        2 * maxLineLength
    }

    /// Reads one physical line and passes on each logical line it completes or rejects.
    mutating func feed(_ framed: FramedLine, _ handle: (LogicalLine) throws -> Void) rethrows {
        switch framed {
        case .line(let bytes, let number):
            if wrapper == .automatic {
                guard let detected = LogWrapper.detect(firstLine: bytes) else {
                    try handle(.line(bytes, number: number))
                    return
                }
                wrapper = detected
            }
            guard wrapper != .none else {
                try handle(.line(bytes, number: number))
                return
            }
            try unwrap(bytes, number: number, handle)

        case .oversized(let number, let length):
            // The line's bytes were dropped, so its wrapper cannot be read: it is rejected on its own.
            // NOTE: if it was a partial piece, the pieces around it are read as lines of their own.
            try handle(.rejected(number: number, reason: .lineTooLong,
                                 detail: Self.oversizedDetail(length: length, limit: maxLineLength)))
            try advanceTracker(past: length, piece: nil, handle)

        case .cut(let number, let length):
            try handle(.rejected(number: number, reason: .cutByDamage, detail: Self.cutDetail(length: length)))
            try advanceTracker(past: length, piece: nil, handle)
        }
    }

    /// Rejects the lines still open at the end of the lines fed.
    ///
    /// - Parameter cutInsideLine: true where the batch reader ended a chunk inside open lines, because their
    ///   pieces spread past its buffer limit. The next chunk drops the rest of their pieces.
    mutating func finish(cutInsideLine: Bool = false, _ handle: (LogicalLine) throws -> Void) rethrows {
        for stream in LogStream.allCases {
            guard let line = open[stream.rawValue] else { continue }
            open[stream.rawValue] = nil
            let detail = cutInsideLine
                ? "\(line.bytes.count) bytes in \(Self.pieces(line.pieces)) so far, spread over more input than the reader keeps at once"
                : "\(line.pieces) partial \(line.pieces == 1 ? "piece" : "pieces") of \(line.bytes.count) bytes, and the input ended before the final piece"
            try handle(.rejected(number: line.number, reason: cutInsideLine ? .lineTooLong : .unfinishedLine, detail: detail))
        }
        tracker.discardGathering()
    }

    // MARK: - Pieces

    private mutating func unwrap(_ bytes: UnsafeRawBufferPointer, number: Int, _ handle: (LogicalLine) throws -> Void) rethrows {
        if isBlankLine(bytes) {
            try handle(.line(bytes, number: number))
            try advanceTracker(past: bytes.count, piece: nil, handle)
            return
        }
        let piece: WrappedPiece
        switch wrapper.piece(of: bytes) {
        case .piece(let parsed):
            piece = parsed
        case .invalid(let detail):
            try handle(.rejected(number: number, reason: .invalidWrapper, detail: detail))
            try advanceTracker(past: bytes.count, piece: nil, handle)
            return
        }

        let stream = piece.stream
        let before = tracker[stream]
        let abandoned = tracker.advance(past: bytes.count, piece: (stream, piece.isFinal))
        switch before {
        case .idle where piece.isFinal:
            try handleWhole(piece, in: bytes, number: number, handle)
        case .idle:
            var line = OpenLine(number: number)
            line.bytes.reserveCapacity(min(2 * bytes.count, maxLineLength))
            open[stream.rawValue] = line
            try append(piece, in: bytes, handle)
        case .gathering:
            joinedPieces += 1
            open[stream.rawValue]?.pieces += 1
            try append(piece, in: bytes, handle)
        case .discarding:
            joinedPieces += 1
        }
        try rejectSpread(abandoned, handle)
    }

    /// Passes on a line that is one final piece, without copying unless its payload is escaped.
    private mutating func handleWhole(_ piece: WrappedPiece, in bytes: UnsafeRawBufferPointer, number: Int,
                                      _ handle: (LogicalLine) throws -> Void) rethrows {
        guard piece.isEscaped else {
            let payload = UnsafeRawBufferPointer(rebasing: bytes[piece.payload.start..<(piece.payload.start + piece.payload.count)])
            try handle(.line(payload, number: number))
            return
        }
        scratch.removeAll(keepingCapacity: scratch.capacity <= 1 << 20)
        decode(piece.payload, in: bytes, appendingTo: &scratch)
        scratch.removeLast()  // Safe: a final Docker piece decodes to bytes ending in its newline.
        try scratch.withUnsafeBytes { try handle(.line($0, number: number)) }
    }

    /// Adds a piece's payload to its stream's open line, and passes the line on when the piece is final.
    private mutating func append(_ piece: WrappedPiece, in bytes: UnsafeRawBufferPointer,
                                 _ handle: (LogicalLine) throws -> Void) rethrows {
        let index = piece.stream.rawValue
        guard var line = open[index] else { return }
        open[index] = nil  // Moved out, so appending does not copy the buffer.

        if piece.isEscaped {
            decode(piece.payload, in: bytes, appendingTo: &line.bytes)
        } else {
            line.bytes.append(contentsOf: bytes[piece.payload.start..<(piece.payload.start + piece.payload.count)])
        }
        if piece.isFinal && piece.isEscaped {
            line.bytes.removeLast()  // The newline that ends a Docker line is not part of it.
        }

        if line.bytes.count > maxLineLength {
            let detail = "\(line.bytes.count) bytes after joining \(line.pieces) pieces, over the limit of \(maxLineLength) (input.max_line_bytes)"
            try handle(.rejected(number: line.number, reason: .lineTooLong, detail: detail))
            if !piece.isFinal { tracker.discard(piece.stream) }
        } else if piece.isFinal {
            try line.bytes.withUnsafeBytes { try handle(.line($0, number: line.number)) }
        } else {
            open[index] = line
        }
    }

    private func decode(_ span: ByteSpan, in bytes: UnsafeRawBufferPointer, appendingTo output: inout [UInt8]) {
        // Safe: the caller passes a non-empty line whose string span the Docker reader validated.
        let reader = Reader(base: bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), count: bytes.count)
        reader.decodeString(span, appendingTo: &output)
    }

    private mutating func advanceTracker(past length: Int, piece: (stream: LogStream, isFinal: Bool)?,
                                         _ handle: (LogicalLine) throws -> Void) rethrows {
        guard wrapper == .cri || wrapper == .docker else { return }
        try rejectSpread(tracker.advance(past: length, piece: piece), handle)
    }

    /// Rejects the open lines of `streams`, which spread over more than the tracker's span.
    private mutating func rejectSpread(_ streams: LogStreams, _ handle: (LogicalLine) throws -> Void) rethrows {
        guard !streams.isEmpty else { return }
        for stream in LogStream.allCases where streams.contains(LogStreams(stream)) {
            guard let line = open[stream.rawValue] else { continue }
            open[stream.rawValue] = nil
            let detail = "\(line.bytes.count) bytes in \(Self.pieces(line.pieces)) so far, spread over more than \(tracker.maxSpan) "
                + "bytes of input (twice input.max_line_bytes) without a final piece"
            try handle(.rejected(number: line.number, reason: .lineTooLong, detail: detail))
        }
    }

    // MARK: - Details

    private static func pieces(_ count: Int) -> String {
        count == 1 ? "1 piece" : "\(count) pieces"
    }

    static func oversizedDetail(length: Int, limit: Int) -> String {
        "\(length) bytes, over the limit of \(limit) (input.max_line_bytes)"
    }

    static func cutDetail(length: Int) -> String {
        "\(length) bytes before the damage"
    }
}
