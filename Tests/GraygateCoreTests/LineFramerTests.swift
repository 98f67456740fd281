import Testing

@testable import GraygateCore

/// One input for the framer, with the line limit it is framed under.
struct FramerCase: Sendable, CustomTestStringConvertible {
    let name: String
    let input: [UInt8]
    var maxLineLength = 64

    var testDescription: String { name }

    init(_ name: String, _ input: [UInt8], maxLineLength: Int = 64) {
        self.name = name
        self.input = input
        self.maxLineLength = maxLineLength
    }

    init(_ name: String, _ text: String, maxLineLength: Int = 64) {
        self.init(name, Array(text.utf8), maxLineLength: maxLineLength)
    }
}

private let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

private let framerCases: [FramerCase] = [
    FramerCase("CRLF endings", "a\r\nbb\r\n\r\nccc\r\n"),
    FramerCase("lone CR inside a line", "ab\rcd\nef\r\n\rgh\n"),
    FramerCase("blank lines", "\n\nx\n\n\ny\n\n"),
    FramerCase("last line without newline", "one\ntwo\nthree"),
    FramerCase("empty input", ""),
    FramerCase("only newlines", "\n\n\n\n"),
    FramerCase("single newline", "\n"),
    FramerCase("byte order mark", byteOrderMark + Array("{\"a\":1}\nsecond\n".utf8)),
    FramerCase("byte order mark alone", byteOrderMark),
    FramerCase("byte order mark then newline", byteOrderMark + [0x0A, 0x78]),
    // Only line 1 may start with a byte order mark; elsewhere the bytes are data and stay in the line.
    FramerCase("byte order mark on line 2", Array("first\n".utf8) + byteOrderMark + Array("second\n".utf8)),
    FramerCase("partial byte order mark", [0xEF, 0xBB, 0x41, 0x0A]),
    FramerCase(
        "oversized lines",
        "short\n" + String(repeating: "x", count: 25) + "\nafter\n" + String(repeating: "y", count: 11)
            + "\n" + String(repeating: "z", count: 10) + "\n" + String(repeating: "w", count: 30),
        maxLineLength: 10),
    FramerCase(
        "oversized line spanning many chunks",
        "head\n" + String(repeating: "0123456789", count: 100) + "\ntail\n",
        maxLineLength: 16),
    // The length limit counts the byte order mark, because a line spanning chunks is measured before it is
    // stripped: 3 + 10 bytes exceed a limit of 12.
    FramerCase("byte order mark on oversized line", byteOrderMark + Array("0123456789\nok\n".utf8), maxLineLength: 12),
    FramerCase(
        "byte order mark on long line", byteOrderMark + Array((String(repeating: "v", count: 100) + "\n").utf8),
        maxLineLength: 12),
    FramerCase("byte order mark within limit", byteOrderMark + Array("012345678\nok\n".utf8), maxLineLength: 12),
    FramerCase("line of exactly the limit", String(repeating: "q", count: 64) + "\n" + String(repeating: "r", count: 65)),
    FramerCase("invalid UTF-8 and NUL bytes", [0x00, 0xFF, 0x0A, 0xC3, 0x0D, 0x0A, 0x80]),
]

private let chunkSizes = [1, 2, 3, 7, 64, 500, Int.max]

/// The frames the framer must produce for `input`, computed from a plain split of the whole input.
private func expectedFrames(for input: [UInt8], maxLineLength: Int) -> [Frame] {
    splitLines(input).enumerated().map { offset, line in
        let number = offset + 1
        if line.count > maxLineLength { return .oversized(number: number, length: line.count) }
        if number == 1 && line.starts(with: byteOrderMark) { return .line(Array(line.dropFirst(3)), number: 1) }
        return .line(line, number: number)
    }
}

/// Feeds `input` to a framer in chunks of `chunkSize` bytes and collects what it frames.
private func frame(
    _ input: [UInt8],
    chunkSize: Int,
    maxLineLength: Int,
    endsInDamage: Bool = false
) -> (frames: [Frame], framer: LineFramer) {
    var framer = LineFramer(maxLineLength: maxLineLength)
    var frames: [Frame] = []
    input.withUnsafeBytes { bytes in
        var start = 0
        while start < bytes.count {
            let end = start + min(chunkSize, bytes.count - start)
            framer.feed(UnsafeRawBufferPointer(rebasing: bytes[start..<end])) { frames.append(Frame($0)) }
            start = end
        }
    }
    if endsInDamage {
        framer.finishAfterDamage { frames.append(Frame($0)) }
    } else {
        framer.finish { frames.append(Frame($0)) }
    }
    return (frames, framer)
}

@Suite("LineFramer")
struct LineFramerTests {
    @Test("framer matches split", arguments: framerCases, chunkSizes)
    func framerMatchesSplit(testCase: FramerCase, chunkSize: Int) {
        let (frames, framer) = frame(testCase.input, chunkSize: chunkSize, maxLineLength: testCase.maxLineLength)
        let expected = expectedFrames(for: testCase.input, maxLineLength: testCase.maxLineLength)

        #expect(frames == expected)
        #expect(framer.lineCount == expected.count)
        #expect(!framer.hasPartialLine)
    }

    @Test("framer cut after damage", arguments: chunkSizes)
    func framerCutAfterDamage(chunkSize: Int) {
        let input = Array("{\"a\":1}\n{\"a\":2}\n{\"a\":".utf8)
        let (frames, framer) = frame(input, chunkSize: chunkSize, maxLineLength: 64, endsInDamage: true)

        #expect(frames == [
            .line(Array("{\"a\":1}".utf8), number: 1),
            .line(Array("{\"a\":2}".utf8), number: 2),
            .cut(number: 3, length: 5),
        ])
        #expect(framer.lineCount == 3)
        #expect(!framer.hasPartialLine)
    }

    @Test("framer cut keeps full length", arguments: chunkSizes)
    func framerCutKeepsFullLength(chunkSize: Int) {
        // The framer keeps only maxLineLength bytes of a long line but still counts all of them.
        let input = Array(("ok\n" + String(repeating: "x", count: 300)).utf8)
        let (frames, _) = frame(input, chunkSize: chunkSize, maxLineLength: 16, endsInDamage: true)

        #expect(frames == [.line(Array("ok".utf8), number: 1), .cut(number: 2, length: 300)])
    }

    @Test("framer damage at line end", arguments: chunkSizes)
    func framerDamageAtLineEnd(chunkSize: Int) {
        // Damage right after a newline leaves nothing unfinished, so no cut line is reported.
        let (frames, framer) = frame(Array("a\nb\n".utf8), chunkSize: chunkSize, maxLineLength: 8, endsInDamage: true)

        #expect(frames == [.line([0x61], number: 1), .line([0x62], number: 2)])
        #expect(framer.lineCount == 2)
    }

    @Test("framer partial line state")
    func framerPartialLineState() {
        var framer = LineFramer(maxLineLength: 8)
        var frames: [Frame] = []
        let first = Array("ab\ncd".utf8)
        first.withUnsafeBytes { framer.feed($0) { frames.append(Frame($0)) } }

        #expect(framer.hasPartialLine)
        #expect(framer.lineCount == 1)

        let second = Array("e\n".utf8)
        second.withUnsafeBytes { framer.feed($0) { frames.append(Frame($0)) } }

        #expect(!framer.hasPartialLine)
        #expect(frames == [.line(Array("ab".utf8), number: 1), .line(Array("cde".utf8), number: 2)])
    }

    @Test("framer empty chunk ignored")
    func framerEmptyChunkIgnored() {
        var framer = LineFramer(maxLineLength: 8)
        var frames: [Frame] = []
        framer.feed(UnsafeRawBufferPointer(start: nil, count: 0)) { frames.append(Frame($0)) }
        framer.finish { frames.append(Frame($0)) }

        #expect(frames.isEmpty)
        #expect(framer.lineCount == 0)
    }
}
