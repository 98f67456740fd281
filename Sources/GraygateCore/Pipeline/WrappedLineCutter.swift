import Glibc

/// Finds where a chunk of a wrapped log may end, so that no parser gets only some pieces of a line.
///
/// Parsers join pieces within one chunk, because `ChunkParser` runs a fresh `LineUnwrapper` per chunk. So a
/// chunk must end where no stream has an open line: after a CRI `F` piece or a Docker record ending in a
/// newline, and only when the other stream has no partial piece pending either. The cutter reads each
/// complete line of the buffer once, with the same `PartialLineTracker` rules as the unwrapper, and
/// remembers the last such point. A stream whose line those rules abandoned may still be discarding at a
/// cut, and the next chunk is told to drop its pieces, as the unwrapper would have.
///
/// For `auto` the cutter also detects the wrapper from the input's first non-blank line. Once the input is
/// known to be unwrapped, it reads nothing more.
struct WrappedLineCutter {
    /// The wrapper of the input, configured or detected; nil while `auto` has seen only blank lines.
    private(set) var wrapper: LogWrapper?

    let maxLineLength: Int

    private var tracker: PartialLineTracker

    /// The bytes at the start of the current buffer whose lines were read.
    private var scanned = 0

    /// The end of the last line in the buffer after which no stream is gathering, with the streams then
    /// discarding; nil when there is none.
    private(set) var lastCut: (end: Int, discarding: LogStreams)?

    /// Whether the next line read is line 1 of the input, where the parser drops a byte order mark.
    private var isFirstLine = true

    init(wrapper: LogWrapper, maxLineLength: Int) {
        self.wrapper = wrapper == .automatic ? nil : wrapper
        self.maxLineLength = maxLineLength
        tracker = PartialLineTracker(maxSpan: LineUnwrapper.maxSpan(maxLineLength: maxLineLength))
    }

    /// A Boolean value that indicates whether lines are read: the input is wrapped, or not yet known not to be.
    var readsLines: Bool {
        wrapper != LogWrapper.none
    }

    /// The wrapper stamped on chunks; a chunk cut before any non-blank line holds only blank lines, which
    /// read the same unwrapped.
    var chunkWrapper: LogWrapper {
        wrapper ?? .none
    }

    /// The maximum size a buffer grows to while open lines leave no place to cut: one line spread to the
    /// tracker's span, then a partial line of up to the line limit. Open lines of both streams that overlap
    /// one another can spread further.
    var maxBufferWithOpenLines: Int {
        tracker.maxSpan + maxLineLength + 1
    }

    /// Reads the complete lines of `bytes` not read yet; `throughEnd` reads a last line without a newline too.
    mutating func scan(_ bytes: UnsafeRawBufferPointer, throughEnd: Bool = false) {
        guard let base = bytes.baseAddress else { return }
        while readsLines && scanned < bytes.count {
            let lineStart = scanned
            let lineEnd: Int
            if let newline = memchr(base + lineStart, 0x0A, bytes.count - lineStart) {
                lineEnd = UnsafeRawPointer(newline) - base
            } else if throughEnd {
                lineEnd = bytes.count
            } else {
                return
            }
            read(UnsafeRawBufferPointer(rebasing: bytes[lineStart..<lineEnd]))
            scanned = lineEnd + 1
            if lineEnd < bytes.count && !tracker.isGathering {
                lastCut = (scanned, tracker.discardingStreams)
            }
        }
    }

    /// Reads one line as the parser's framer and unwrapper will.
    private mutating func read(_ raw: UnsafeRawBufferPointer) {
        let isLineOne = isFirstLine
        isFirstLine = false

        // The framer rejects a line over the limit unread, and applies the limit before dropping a byte order mark.
        if raw.count > maxLineLength {
            skip(lineLength: raw.count)
            return
        }
        var line = raw
        if isLineOne && line.count >= 3 && line[0] == 0xEF && line[1] == 0xBB && line[2] == 0xBF {
            line = UnsafeRawBufferPointer(rebasing: line[3...])
        }

        if wrapper == nil {
            guard let detected = LogWrapper.detect(firstLine: line) else { return }
            wrapper = detected
            guard detected != .none else { return }
        }
        guard let wrapper, !isBlankLine(line), case .piece(let piece) = wrapper.piece(of: line) else {
            skip(lineLength: line.count)
            return
        }
        _ = tracker.advance(past: line.count, piece: (piece.stream, piece.isFinal))
    }

    /// Moves past a line that is no piece, such as one over the limit that the reader dropped.
    mutating func skip(lineLength: Int) {
        isFirstLine = false
        if wrapper == .cri || wrapper == .docker {
            _ = tracker.advance(past: lineLength, piece: nil)
        }
    }

    /// Starts a new buffer that contains the bytes after `end` of the current one, which were read already.
    mutating func moveBuffer(after end: Int) {
        scanned = max(0, scanned - end)
        lastCut = nil
    }

    /// Ends a chunk inside open lines: they are rejected there, and their later pieces dropped.
    ///
    /// - Returns: the streams the next chunk must drop pieces of.
    mutating func cutInsideOpenLines() -> LogStreams {
        tracker.discardGathering()
        return tracker.discardingStreams
    }
}
