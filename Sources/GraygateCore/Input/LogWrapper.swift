import Glibc

/// The format a container runtime wraps each line of an application's log in, as read from a node's log files.
///
/// A runtime splits a long line into partial pieces (typically at 16 KiB) and marks all but the last one, so
/// `LineUnwrapper` joins the pieces of each stream back into the application's line.
public enum LogWrapper: String, Sendable, CaseIterable {
    /// Decides per input from its first non-blank line: CRI, Docker json-file, or none.
    case automatic = "auto"

    /// Lines are the application's own JSON.
    case none

    /// The Kubernetes CRI format of containerd and CRI-O: `<RFC 3339 time> <stdout|stderr> <P|F> <payload>`,
    /// where `P` marks a partial piece and `F` the piece that completes the line.
    case cri

    /// Docker's json-file driver: `{"log":"<escaped payload>\n","stream":"stdout","time":"…"}`, where a
    /// record whose `log` does not end in a newline is a partial piece.
    case docker

    /// Returns the wrapper of an input whose first non-blank line is `line`, or nil when `line` is blank.
    ///
    /// A line with a CRI prefix means CRI, and an object whose first key is `"log"` and which has a `"stream"`
    /// means Docker json-file. Any other line means the input is not wrapped.
    static func detect(firstLine line: UnsafeRawBufferPointer) -> LogWrapper? {
        if isBlankLine(line) { return nil }
        if case .piece = LogWrapper.cri.piece(of: line) { return .cri }
        if firstKeyIsLog(line), case .piece = LogWrapper.docker.piece(of: line) { return .docker }
        return LogWrapper.none
    }

    /// Reads one physical line as a piece of this wrapper's format; only `.cri` and `.docker` read lines.
    func piece(of line: UnsafeRawBufferPointer) -> PieceParse {
        switch self {
        case .cri: return Self.criPiece(of: line)
        case .docker: return Self.dockerPiece(of: line)
        case .automatic, .none: preconditionFailure("only the CRI and Docker formats have pieces")
        }
    }

    // MARK: - CRI

    private static let space = UInt8(ascii: " ")

    private static func criPiece(of line: UnsafeRawBufferPointer) -> PieceParse {
        guard let base = line.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
            return .invalid("not a CRI log line: the line is empty")
        }
        let count = line.count
        guard let timeEnd = index(of: space, in: base, from: 0, to: count), isRFC3339Time(base, count: timeEnd) else {
            return .invalid("not a CRI log line: it does not start with an RFC 3339 time and a space")
        }

        let streamStart = timeEnd + 1
        let stream: LogStream
        if matches(base, count: count, at: streamStart, "stdout ") {
            stream = .stdout
        } else if matches(base, count: count, at: streamStart, "stderr ") {
            stream = .stderr
        } else {
            return .invalid("not a CRI log line: the stream after the time is neither stdout nor stderr")
        }

        // The tag's first field, before any colon, is P or F. Later fields are ignored.
        let tagStart = streamStart + 7
        guard let tagEnd = index(of: space, in: base, from: tagStart, to: count), tagEnd > tagStart,
              tagEnd == tagStart + 1 || base[tagStart + 1] == UInt8(ascii: ":") else {
            return .invalid("not a CRI log line: no tag of P or F followed by a space after the stream")
        }
        let isFinal: Bool
        switch base[tagStart] {
        case UInt8(ascii: "F"): isFinal = true
        case UInt8(ascii: "P"): isFinal = false
        default: return .invalid("not a CRI log line: the tag is neither P nor F")
        }
        let payload = ByteSpan(start: tagEnd + 1, count: count - tagEnd - 1)
        return .piece(WrappedPiece(stream: stream, isFinal: isFinal, payload: payload, isEscaped: false))
    }

    /// The offsets of the digits in `YYYY-MM-DDTHH:MM:SS`.
    private static let timeDigitOffsets = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18]

    /// Returns whether a field starts `YYYY-MM-DDTHH:MM:SS` and goes on, with a fraction or a zone. The time
    /// itself is not read.
    private static func isRFC3339Time(_ base: UnsafePointer<UInt8>, count: Int) -> Bool {
        guard count >= 20 else { return false }
        for offset in timeDigitOffsets where base[offset] &- UInt8(ascii: "0") >= 10 {
            return false
        }
        return base[4] == UInt8(ascii: "-") && base[7] == UInt8(ascii: "-") && base[13] == UInt8(ascii: ":")
            && base[16] == UInt8(ascii: ":") && (base[10] == UInt8(ascii: "T") || base[10] == UInt8(ascii: "t"))
    }

    // MARK: - Docker json-file

    private static func dockerPiece(of line: UnsafeRawBufferPointer) -> PieceParse {
        guard let base = line.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
            return .invalid("not a Docker json-file record: the line is empty")
        }
        var reader = Reader(base: base, count: line.count)
        var log: ByteSpan?
        var stream: LogStream?
        do throws(JSONSyntaxError) {
            reader.skipWhitespace()
            guard reader.peek() == UInt8(ascii: "{") else {
                return .invalid("not a Docker json-file record: the line is not a JSON object")
            }
            reader.position += 1
            reader.skipWhitespace()
            if reader.peek() == UInt8(ascii: "}") {
                reader.position += 1
            } else {
                while true {
                    guard reader.peek() == UInt8(ascii: "\"") else { throw reader.error(.unexpectedCharacter) }
                    let (key, _) = try reader.scanString()
                    reader.skipWhitespace()
                    guard reader.peek() == UInt8(ascii: ":") else { throw reader.error(.unexpectedCharacter) }
                    reader.position += 1
                    reader.skipWhitespace()

                    if matches(base, span: key, "log") {
                        guard reader.peek() == UInt8(ascii: "\"") else {
                            return .invalid("not a Docker json-file record: 'log' is not a string")
                        }
                        log = try reader.scanString().0
                    } else if matches(base, span: key, "stream") {
                        guard reader.peek() == UInt8(ascii: "\"") else {
                            return .invalid("not a Docker json-file record: 'stream' is not a string")
                        }
                        let (value, _) = try reader.scanString()
                        if matches(base, span: value, "stdout") {
                            stream = .stdout
                        } else if matches(base, span: value, "stderr") {
                            stream = .stderr
                        } else {
                            return .invalid("not a Docker json-file record: 'stream' is neither stdout nor stderr")
                        }
                    } else {
                        try reader.skipValue(depth: 1)
                    }

                    reader.skipWhitespace()
                    guard let next = reader.peek() else { throw reader.error(.unexpectedEnd) }
                    reader.position += 1
                    if next == UInt8(ascii: "}") { break }
                    guard next == UInt8(ascii: ",") else { throw reader.error(.unexpectedCharacter) }
                    reader.skipWhitespace()
                }
            }
            reader.skipWhitespace()
            guard reader.isAtEnd else { throw reader.error(.trailingCharacters) }
        } catch {
            return .invalid("not a Docker json-file record: \(error.kind.rawValue) at column \(error.column)")
        }

        guard let log else { return .invalid("not a Docker json-file record: no 'log' string") }
        guard let stream else { return .invalid("not a Docker json-file record: no 'stream' string") }
        let piece = WrappedPiece(stream: stream, isFinal: escapedStringEndsWithNewline(base, log), payload: log, isEscaped: true)
        return .piece(piece)
    }

    /// Returns whether the line is an object whose first key is `"log"`, as Docker writes its records.
    private static func firstKeyIsLog(_ line: UnsafeRawBufferPointer) -> Bool {
        guard let base = line.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return false }
        var reader = Reader(base: base, count: line.count)
        reader.skipWhitespace()
        guard reader.peek() == UInt8(ascii: "{") else { return false }
        reader.position += 1
        reader.skipWhitespace()
        return matches(base, count: line.count, at: reader.position, "\"log\"")
    }

    /// Returns whether an escaped JSON string ends with an escaped newline, `\n` or `\u000A`, whose backslash is
    /// not itself escaped. Exactly then does the decoded string end in a line feed, since a raw one is invalid.
    private static func escapedStringEndsWithNewline(_ base: UnsafePointer<UInt8>, _ span: ByteSpan) -> Bool {
        let end = span.start + span.count
        var escapeStart: Int
        if span.count >= 2 && base[end - 1] == UInt8(ascii: "n") && base[end - 2] == UInt8(ascii: "\\") {
            escapeStart = end - 2
        } else if span.count >= 6 && matches(base, count: end, at: end - 6, "\\u000")
                    && (base[end - 1] == UInt8(ascii: "a") || base[end - 1] == UInt8(ascii: "A")) {
            escapeStart = end - 6
        } else {
            return false
        }
        // An odd run of backslashes ending at the escape's own backslash leaves that one unescaped.
        var backslashes = 1
        while escapeStart > span.start && base[escapeStart - 1] == UInt8(ascii: "\\") {
            backslashes += 1
            escapeStart -= 1
        }
        return backslashes % 2 == 1
    }

    // MARK: - Bytes

    private static func index(of byte: UInt8, in base: UnsafePointer<UInt8>, from start: Int, to end: Int) -> Int? {
        guard start < end, let found = memchr(base + start, Int32(byte), end - start) else { return nil }
        return UnsafeRawPointer(found) - UnsafeRawPointer(base)
    }

    private static func matches(_ base: UnsafePointer<UInt8>, count: Int, at offset: Int, _ literal: StaticString) -> Bool {
        let length = literal.utf8CodeUnitCount
        return offset >= 0 && offset + length <= count && memcmp(base + offset, literal.utf8Start, length) == 0
    }

    private static func matches(_ base: UnsafePointer<UInt8>, span: ByteSpan, _ literal: StaticString) -> Bool {
        span.count == literal.utf8CodeUnitCount && memcmp(base + span.start, literal.utf8Start, span.count) == 0
    }
}

/// A container's output stream, which a runtime keeps apart when it splits lines.
enum LogStream: Int, CaseIterable {
    case stdout = 0
    case stderr = 1
}

/// A set of output streams, such as those whose partial line a chunk continues.
struct LogStreams: OptionSet, Sendable, Hashable {
    let rawValue: UInt8

    static let stdout = LogStreams(rawValue: 1)
    static let stderr = LogStreams(rawValue: 2)

    init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    init(_ stream: LogStream) {
        self.rawValue = 1 << UInt8(stream.rawValue)
    }
}

/// One physical line read as a piece of a logical line.
struct WrappedPiece {
    var stream: LogStream

    /// Whether this piece completes its logical line: CRI tag `F`, or a Docker `log` ending in a newline.
    var isFinal: Bool

    /// The payload's bytes in the physical line: raw for CRI, the escaped string between the quotes for Docker.
    var payload: ByteSpan

    /// Whether the payload is an escaped JSON string that must be decoded.
    var isEscaped: Bool
}

/// The result of reading a physical line as a piece of a wrapper's format.
enum PieceParse {
    case piece(WrappedPiece)

    /// The line does not have the format's shape. The message describes how, for the rejected-line detail.
    case invalid(String)
}

/// Returns whether a line contains only JSON whitespace, as a line the record reader counts as blank does.
func isBlankLine(_ line: UnsafeRawBufferPointer) -> Bool {
    line.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }
}
