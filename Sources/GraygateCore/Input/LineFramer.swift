import Glibc

/// One physical line of input, or the report that a line was too long to keep.
enum FramedLine {
    /// A line without its terminating newline. The bytes are valid only during the callback.
    case line(UnsafeRawBufferPointer, number: Int)

    /// A line longer than the limit; its bytes were dropped as they arrived, so memory stays bounded.
    case oversized(number: Int, length: Int)

    /// The start of a line whose rest was lost where damaged input (a cut gzip stream) ended.
    case cut(number: Int, length: Int)

    /// Returns the same line numbered `offset` lines further, for lines framed within a later chunk.
    func renumbered(after offset: Int) -> FramedLine {
        switch self {
        case .line(let bytes, let number): return .line(bytes, number: number + offset)
        case .oversized(let number, let length): return .oversized(number: number + offset, length: length)
        case .cut(let number, let length): return .cut(number: number + offset, length: length)
        }
    }
}

/// Splits a byte stream into lines on the byte 0x0A, numbering them from 1.
///
/// Only 0x0A ends a line: a carriage return before it stays in the line, where the JSON scanner treats it
/// as whitespace, and a lone carriage return inside a string makes that line invalid JSON, as RFC 8259 requires.
/// A UTF-8 byte order mark at the start of line 1 is dropped. A last line without a newline is framed by
/// `finish(_:)`. Lines that lie wholly inside a fed chunk are passed on without copying; only a line that
/// spans chunks is gathered in a buffer, and at most `maxLineLength` bytes of it are kept.
///
/// ```
/// var framer = LineFramer(maxLineLength: 1 << 20)
/// framer.feed(chunk) { line in ... }
/// framer.finish { line in ... }
/// ```
struct LineFramer {
    /// The maximum line length kept, in bytes; a longer line is reported as `.oversized`.
    let maxLineLength: Int

    /// The number of lines framed so far, oversized ones included.
    private(set) var lineCount = 0

    /// The start of a line that spans chunks, capped at `maxLineLength` bytes.
    private var pending: [UInt8] = []

    /// The full length of that line so far, which may exceed what `pending` keeps.
    private var pendingLength = 0

    /// Whether line 1 is the start of an input, where a byte order mark is dropped.
    let stripsByteOrderMark: Bool

    init(maxLineLength: Int, stripsByteOrderMark: Bool = true) {
        precondition(maxLineLength > 0, "maxLineLength must be positive")
        self.maxLineLength = maxLineLength
        self.stripsByteOrderMark = stripsByteOrderMark
    }

    /// A Boolean value that indicates whether bytes of an unfinished line are waiting for their newline.
    var hasPartialLine: Bool { pendingLength > 0 }

    /// Frames the complete lines in `chunk` and keeps a trailing partial line for the next call.
    mutating func feed(_ chunk: UnsafeRawBufferPointer, _ handle: (FramedLine) throws -> Void) rethrows {
        guard var cursor = chunk.baseAddress, !chunk.isEmpty else { return }
        let end = cursor + chunk.count

        while cursor < end {
            guard let newline = memchr(cursor, 0x0A, end - cursor) else {
                appendPending(UnsafeRawBufferPointer(start: cursor, count: end - cursor))
                return
            }
            let lineEnd = UnsafeRawPointer(newline)
            lineCount += 1
            if pendingLength == 0 {
                try emit(UnsafeRawBufferPointer(start: cursor, count: lineEnd - cursor), handle)
            } else {
                appendPending(UnsafeRawBufferPointer(start: cursor, count: lineEnd - cursor))
                try emitPending(handle)
            }
            cursor = lineEnd + 1
        }
    }

    /// Frames the last line when the input did not end with a newline.
    mutating func finish(_ handle: (FramedLine) throws -> Void) rethrows {
        guard pendingLength > 0 else { return }
        lineCount += 1
        try emitPending(handle)
    }

    /// Frames an unfinished line as `.cut`, for input that ended in damage rather than at a line end.
    mutating func finishAfterDamage(_ handle: (FramedLine) throws -> Void) rethrows {
        guard pendingLength > 0 else { return }
        lineCount += 1
        let length = pendingLength
        pending.removeAll(keepingCapacity: true)
        pendingLength = 0
        try handle(.cut(number: lineCount, length: length))
    }

    private mutating func appendPending(_ bytes: UnsafeRawBufferPointer) {
        let room = maxLineLength - pending.count
        if room > 0 {
            pending.append(contentsOf: bytes.prefix(room))
        }
        pendingLength += bytes.count
    }

    private mutating func emitPending(_ handle: (FramedLine) throws -> Void) rethrows {
        defer {
            // One huge line should not pin its buffer for the rest of the run.
            pending.removeAll(keepingCapacity: pending.capacity <= 1 << 20)
            pendingLength = 0
        }
        if pendingLength > maxLineLength {
            try handle(.oversized(number: lineCount, length: pendingLength))
        } else {
            try pending.withUnsafeBytes { try emit($0, handle) }
        }
    }

    private func emit(_ line: UnsafeRawBufferPointer, _ handle: (FramedLine) throws -> Void) rethrows {
        // The limit applies before the byte order mark is dropped, as it does to a line gathered in `pending`.
        if line.count > maxLineLength {
            try handle(.oversized(number: lineCount, length: line.count))
        } else if stripsByteOrderMark && lineCount == 1 && line.count >= 3 && line[0] == 0xEF && line[1] == 0xBB && line[2] == 0xBF {
            try handle(.line(UnsafeRawBufferPointer(rebasing: line[3...]), number: 1))
        } else {
            try handle(.line(line, number: lineCount))
        }
    }
}
