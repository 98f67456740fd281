import Foundation
import Testing

@testable import GraygateCore

/// JSON lines of the shape graygate reads, varied enough that deflate emits several kinds of blocks.
private func sampleLog(lines count: Int, seed: Int = 0) -> [UInt8] {
    var text = ""
    for index in 0..<count {
        let cohort = index % 3 == 0 ? "gray" : "stable"
        let latency = Double((index * 7919 + seed) % 4000) / 10
        text += "{\"request_id\":\"req-\(index)-\(seed)\",\"cohort\":\"\(cohort)\",\"latency_ms\":\(latency)}\n"
    }
    return Array(text.utf8)
}

/// The frames a complete, undamaged input must produce.
private func lineFrames(_ bytes: [UInt8]) -> [Frame] {
    splitLines(bytes).enumerated().map { .line($1, number: $0 + 1) }
}

/// The frames a damaged input must produce when `plain` is everything inflated before the damage.
private func damagedFrames(_ plain: [UInt8]) -> [Frame] {
    var frames = lineFrames(plain)
    if let last = plain.last, last != 0x0A, case .line(let partial, let number) = frames.removeLast() {
        frames.append(.cut(number: number, length: partial.count))
    }
    return frames
}

private let blockSizes = [1, 2, 3, 4096, 1 << 20]

@Suite("LogInput and GzipInflater")
struct LogInputTests {
    // MARK: - Format detection

    @Test("plain text named gz", arguments: blockSizes)
    func plainTextNamedGz(blockSize: Int) throws {
        let directory = try TemporaryDirectory()
        let plain = sampleLog(lines: 20)
        let path = try directory.write(plain, named: "app.log.gz")
        let (frames, damage) = try readFrames(path: path, blockSize: blockSize)

        #expect(frames == lineFrames(plain))
        #expect(damage == nil)
    }

    @Test("gzip named log", arguments: blockSizes)
    func gzipNamedLog(blockSize: Int) throws {
        let directory = try TemporaryDirectory()
        let plain = sampleLog(lines: 20)
        let path = try directory.write(try GzipFixture.runGzip(plain, in: directory), named: "app.log")
        let (frames, damage) = try readFrames(path: path, blockSize: blockSize)

        #expect(frames == lineFrames(plain))
        #expect(damage == nil)
    }

    @Test("one byte file is plain")
    func oneByteFileIsPlain() throws {
        // 0x1F alone cannot be gzip, whose magic number is two bytes.
        let directory = try TemporaryDirectory()
        let path = try directory.write([0x1F], named: "one.log")
        let (frames, damage) = try readFrames(path: path)

        #expect(frames == [.line([0x1F], number: 1)])
        #expect(damage == nil)
    }

    @Test("empty file has no lines", arguments: blockSizes)
    func emptyFileHasNoLines(blockSize: Int) throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write([], named: "empty.log")
        let (frames, damage) = try readFrames(path: path, blockSize: blockSize)

        #expect(frames.isEmpty)
        #expect(damage == nil)
    }

    @Test("empty gzip member has no lines")
    func emptyGzipMember() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(GzipFixture.member([UInt8]()), named: "empty.log.gz")
        let (frames, damage) = try readFrames(path: path)

        #expect(frames.isEmpty)
        #expect(damage == nil)
    }

    // MARK: - Members and block sizes

    @Test("multi-member gzip", arguments: blockSizes)
    func multiMemberGzip(blockSize: Int) throws {
        // The members split the text mid-line, with an empty member between them, as `cat a.gz empty.gz b.gz`
        // makes. Their inflated bytes join up, so one line is put together from two members.
        let directory = try TemporaryDirectory()
        let plain = sampleLog(lines: 40, seed: 1)
        let split = plain.count / 2 + 5
        #expect(plain[split - 1] != 0x0A, "the split must fall inside a line")
        let first = try GzipFixture.runGzip(Array(plain[..<split]), in: directory)
        let empty = GzipFixture.member([UInt8]())
        let second = GzipFixture.member(Array(plain[split...]), level: 1)
        let path = try directory.write(first + empty + second, named: "rotated.log.gz")
        let (frames, damage) = try readFrames(path: path, blockSize: blockSize)

        #expect(frames == lineFrames(plain))
        #expect(damage == nil)
    }

    @Test("last line without newline", arguments: blockSizes)
    func lastLineWithoutNewline(blockSize: Int) throws {
        let directory = try TemporaryDirectory()
        let plain = Array("{\"a\":1}\n{\"a\":2}".utf8)
        let plainPath = try directory.write(plain, named: "plain.log")
        let gzipPath = try directory.write(GzipFixture.member(plain), named: "gzip.log")
        let expected: [Frame] = [.line(Array("{\"a\":1}".utf8), number: 1), .line(Array("{\"a\":2}".utf8), number: 2)]

        #expect(try readFrames(path: plainPath, blockSize: blockSize).frames == expected)
        #expect(try readFrames(path: gzipPath, blockSize: blockSize).frames == expected)
    }

    @Test("onRead counts file bytes", arguments: blockSizes)
    func onReadCountsFileBytes(blockSize: Int) throws {
        let directory = try TemporaryDirectory()
        let compressed = GzipFixture.member(sampleLog(lines: 30))
        let path = try directory.write(compressed, named: "count.log.gz")
        var input = LogInput(path: path)
        input.blockSize = blockSize
        var total = 0
        _ = try input.readLines(onRead: { total += $0 }) { _ in }

        #expect(total == compressed.count)
    }

    @Test("oversized line in gzip")
    func oversizedLineInGzip() throws {
        let directory = try TemporaryDirectory()
        let plain = Array(("short\n" + String(repeating: "x", count: 5000) + "\nafter\n").utf8)
        let path = try directory.write(GzipFixture.member(plain), named: "long.log.gz")
        let (frames, _) = try readFrames(path: path, blockSize: 7, maxLineLength: 100)

        #expect(frames == [
            .line(Array("short".utf8), number: 1),
            .oversized(number: 2, length: 5000),
            .line(Array("after".utf8), number: 3),
        ])
    }

    @Test("inflater output capacity", arguments: [1, 7, 4096])
    func inflaterOutputCapacity(capacity: Int) throws {
        // A tiny output buffer makes zlib stop mid-block and mid-match many times per input chunk.
        let plain = sampleLog(lines: 50) + Array(repeating: 0x61, count: 3000)
        let compressed = GzipFixture.member(plain) + GzipFixture.member(plain)
        let inflater = try GzipInflater(path: "capacity.gz", outputCapacity: capacity)
        var output: [UInt8] = []
        for start in stride(from: 0, to: compressed.count, by: 100) {
            let chunk = Array(compressed[start..<min(start + 100, compressed.count)])
            try chunk.withUnsafeBytes { bytes in
                try inflater.inflate(bytes) { output.append(contentsOf: $0) }
            }
        }
        try inflater.finish()

        #expect(output == plain + plain)
        #expect(inflater.compressedOffset == UInt64(compressed.count))
    }

    // MARK: - Damage

    @Test("truncated gzip at every offset")
    func truncatedGzipAtEveryOffset() throws {
        let directory = try TemporaryDirectory()
        let compressed = GzipFixture.member(sampleLog(lines: 25))
        let fullLines = lineFrames(sampleLog(lines: 25))

        // Cuts below two bytes leave no gzip magic number, and the cut file would be read as plain text.
        for cut in 2..<compressed.count {
            let truncated = Array(compressed[..<cut])
            let path = try directory.write(truncated, named: "cut-\(cut).log.gz")
            let (frames, damage) = try readFrames(path: path, blockSize: 4096)

            #expect(damage == .truncatedGzip(path: path, compressedOffset: UInt64(cut)), "cut at \(cut)")
            #expect(frames == damagedFrames(GzipFixture.inflatePrefix(truncated)), "cut at \(cut)")
            for (frame, full) in zip(frames, fullLines) {
                switch (frame, full) {
                case (.line, _):
                    #expect(frame == full, "cut at \(cut)")
                case (.cut(let number, let length), .line(let bytes, let fullNumber)):
                    #expect(number == fullNumber, "cut at \(cut)")
                    #expect(length <= bytes.count, "cut at \(cut)")
                default:
                    Issue.record("cut at \(cut): unexpected \(frame)")
                }
            }
        }
    }

    @Test("truncated gzip small blocks", arguments: [1, 3])
    func truncatedGzipSmallBlocks(blockSize: Int) throws {
        let directory = try TemporaryDirectory()
        let compressed = GzipFixture.member(sampleLog(lines: 25))
        let cuts = [2, 3, 9, 10, 11, 40, compressed.count / 2, compressed.count - 9, compressed.count - 8,
                    compressed.count - 4, compressed.count - 1]

        for cut in cuts {
            let truncated = Array(compressed[..<cut])
            let path = try directory.write(truncated, named: "cut-\(cut).log.gz")
            let (frames, damage) = try readFrames(path: path, blockSize: blockSize)

            #expect(damage == .truncatedGzip(path: path, compressedOffset: UInt64(cut)), "cut at \(cut)")
            #expect(frames == damagedFrames(GzipFixture.inflatePrefix(truncated)), "cut at \(cut)")
        }
    }

    @Test("truncated second member", arguments: blockSizes)
    func truncatedSecondMember(blockSize: Int) throws {
        let directory = try TemporaryDirectory()
        let firstPlain = sampleLog(lines: 10)
        let first = GzipFixture.member(firstPlain)
        let second = GzipFixture.member(sampleLog(lines: 10, seed: 9))
        let cutFile = first + second.prefix(5)
        let path = try directory.write(cutFile, named: "second.log.gz")
        let (frames, damage) = try readFrames(path: path, blockSize: blockSize)

        #expect(damage == .truncatedGzip(path: path, compressedOffset: UInt64(cutFile.count)))
        #expect(frames == lineFrames(firstPlain))
    }

    @Test("corrupt block mid-stream", arguments: blockSizes)
    func corruptBlockMidStream(blockSize: Int) throws {
        // After a full flush the deflate data sits on a byte boundary. The byte 0x06 there starts a block
        // whose type bits are 11, which RFC 1951 reserves, so zlib stops at exactly that byte.
        let directory = try TemporaryDirectory()
        let before = Array("{\"a\":1}\n{\"a\":2}\n{\"a\":".utf8)
        let (member, flushOffsets) = GzipFixture.member([before, Array("3}\n{\"a\":4}\n".utf8)])
        let flushEnd = flushOffsets[0]
        let corrupt = Array(member[..<flushEnd]) + [0x06] + Array(member[flushEnd...])
        let path = try directory.write(corrupt, named: "corrupt.log.gz")
        let (frames, damage) = try readFrames(path: path, blockSize: blockSize)

        #expect(damage == .corruptGzip(
            path: path, compressedOffset: UInt64(flushEnd + 1), reason: "invalid block type"))
        #expect(frames == [
            .line(Array("{\"a\":1}".utf8), number: 1),
            .line(Array("{\"a\":2}".utf8), number: 2),
            .cut(number: 3, length: 5),
        ])
    }

    @Test("corrupt checksum keeps member", arguments: blockSizes)
    func corruptChecksumKeepsMember(blockSize: Int) throws {
        // The CRC-32 is the first half of the 8-byte trailer; once it fails, the next member is not read.
        let directory = try TemporaryDirectory()
        let firstPlain = sampleLog(lines: 8)
        var first = GzipFixture.member(firstPlain)
        first[first.count - 8] ^= 0xFF
        let path = try directory.write(first + GzipFixture.member(sampleLog(lines: 8, seed: 3)), named: "crc.log.gz")
        let (frames, damage) = try readFrames(path: path, blockSize: blockSize)

        #expect(damage == .corruptGzip(
            path: path, compressedOffset: UInt64(first.count - 4), reason: "incorrect data check"))
        #expect(frames == lineFrames(firstPlain))
    }

    @Test("every flipped byte is damage")
    func everyFlippedByteIsDamage() throws {
        // The 10-byte header's time, flags and OS fields are not checked, but a change after it alters the
        // deflate data, the CRC-32 or the length, so zlib must report it and never crash. The one exception
        // is the padding after the final block in the last deflate byte (9 bytes from the end), which
        // RFC 1951 leaves unused: flipping it must leave the lines as they were.
        let directory = try TemporaryDirectory()
        let plain = sampleLog(lines: 6)
        let compressed = GzipFixture.member(plain)
        for offset in 10..<compressed.count {
            for mask: UInt8 in [0x01, 0x80, 0xFF] {
                var damaged = compressed
                damaged[offset] ^= mask
                let path = try directory.write(damaged, named: "flip-\(offset)-\(mask).log.gz")
                let (frames, damage) = try readFrames(path: path, blockSize: 64)

                if let damage {
                    #expect(damage.isDamage, "byte \(offset) xor \(mask)")
                } else {
                    #expect(offset == compressed.count - 9, "byte \(offset) xor \(mask)")
                    #expect(frames == lineFrames(plain), "byte \(offset) xor \(mask)")
                }
            }
        }
    }

    @Test("trailing garbage after member", arguments: blockSizes)
    func trailingGarbageAfterMember(blockSize: Int) throws {
        let directory = try TemporaryDirectory()
        let plain = sampleLog(lines: 12)
        let compressed = GzipFixture.member(plain)
        let path = try directory.write(compressed + Array("not gzip\n".utf8), named: "garbage.log.gz")
        let (frames, damage) = try readFrames(path: path, blockSize: blockSize)

        #expect(damage == .trailingGarbage(path: path, compressedOffset: UInt64(compressed.count)))
        #expect(frames == lineFrames(plain))
    }

    @Test("trailing garbage with half magic", arguments: blockSizes)
    func trailingGarbageWithHalfMagic(blockSize: Int) throws {
        // 0x1F is the first gzip magic byte but 0x00 is not the second. Whether the two bytes arrive in
        // one block or two, this is not another member.
        let directory = try TemporaryDirectory()
        let plain = sampleLog(lines: 3)
        let compressed = GzipFixture.member(plain)
        let path = try directory.write(compressed + [0x1F, 0x00, 0x41], named: "half.log.gz")
        let (frames, damage) = try readFrames(path: path, blockSize: blockSize)

        #expect(damage == .trailingGarbage(path: path, compressedOffset: UInt64(compressed.count)))
        #expect(frames == lineFrames(plain))
    }

    @Test("damage messages name path")
    func damageMessagesNamePath() {
        let truncated = InputError.truncatedGzip(path: "/logs/a.gz", compressedOffset: 17)
        let garbage = InputError.trailingGarbage(path: "/logs/a.gz", compressedOffset: 17)
        let corrupt = InputError.corruptGzip(path: "/logs/a.gz", compressedOffset: 17, reason: "invalid block type")

        #expect(truncated.description.contains("'/logs/a.gz'"))
        #expect(garbage.description.contains("'/logs/a.gz'"))
        #expect(corrupt.description.contains("'/logs/a.gz'"))
        #expect(corrupt.description.hasSuffix(": invalid block type"))
        #expect(truncated.isDamage)
        #expect(garbage.isDamage)
        #expect(corrupt.isDamage)
    }

    // MARK: - Open failures

    @Test("missing file cannot open")
    func missingFileCannotOpen() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/absent.log"

        #expect(throws: InputError.cannotOpen(path: path, reason: "No such file or directory")) {
            try readFrames(path: path)
        }
        let error = InputError.cannotOpen(path: path, reason: "No such file or directory")
        #expect(error.description == "Cannot open '\(path)': No such file or directory")
        #expect(!error.isDamage)
    }

    @Test("directory cannot open")
    func directoryCannotOpen() throws {
        let directory = try TemporaryDirectory()
        do {
            _ = try readFrames(path: directory.path)
            Issue.record("reading a directory did not throw")
        } catch let error as InputError {
            guard case .cannotOpen(let path, let reason) = error else {
                Issue.record("expected cannotOpen, got \(error)")
                return
            }
            #expect(path == directory.path)
            #expect(reason.contains("directory"))
            #expect(error.description.contains("'\(directory.path)'"))
        }
    }
}
