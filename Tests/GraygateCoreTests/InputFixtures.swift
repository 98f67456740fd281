import CZlib
import Foundation
import Testing

@testable import GraygateCore

/// A framed line copied out of the framer's callback, whose byte pointer is valid only during the call.
enum Frame: Equatable, CustomStringConvertible {
    case line([UInt8], number: Int)
    case oversized(number: Int, length: Int)
    case cut(number: Int, length: Int)

    init(_ framed: FramedLine) {
        switch framed {
        case .line(let bytes, let number): self = .line(Array(bytes), number: number)
        case .oversized(let number, let length): self = .oversized(number: number, length: length)
        case .cut(let number, let length): self = .cut(number: number, length: length)
        }
    }

    var description: String {
        switch self {
        case .line(let bytes, let number):
            return "line \(number) \(String(decoding: bytes, as: UTF8.self).debugDescription)"
        case .oversized(let number, let length):
            return "oversized line \(number) of \(length) bytes"
        case .cut(let number, let length):
            return "cut line \(number) of \(length) bytes"
        }
    }
}

/// A fresh directory under the system temporary directory, removed with its contents on release.
final class TemporaryDirectory {
    let path: String

    init() throws {
        var template = Array((NSTemporaryDirectory() + "/graygate-tests-XXXXXX").utf8CString)
        guard let created = mkdtemp(&template) else {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        path = String(cString: created)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Writes `bytes` to a new file called `name` in the directory and returns its path.
    ///
    /// Loops that write hundreds of files should name each one differently and not replace files. On the
    /// test machine (ext4), replacing a file that had data, or calling `Data.write(to:)`, took milliseconds
    /// per file, but a new file written with `write(2)` took microseconds.
    func write(_ bytes: [UInt8], named name: String) throws -> String {
        let filePath = path + "/" + name
        let descriptor = open(filePath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(descriptor) }

        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + written, $0.count - written) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            written += count
        }
        return filePath
    }
}

/// Reads `path` through `LogInput` and returns every framed line with the damage that ended the input.
///
/// The input is read with every gzip decoder of this build (zlib, and ISA-L where built in), and the
/// decoders must agree on the kind of damage, and on every line unless the data is corrupt. Corrupt deflate
/// data is detected at different points by different decoders, and what they decode before that point is
/// garbage either way. So every input test also checks that the decoders give identical results.
func readFrames(
    path: String,
    blockSize: Int = 1 << 20,
    maxLineLength: Int = 16 << 20,
    sourceLocation: SourceLocation = #_sourceLocation
) throws -> (frames: [Frame], damage: InputError?) {
    var results: [(frames: [Frame], damage: InputError?)] = []
    for decoder in GzipDecoderChoice.available {
        var input = LogInput(path: path)
        input.blockSize = blockSize
        input.maxLineLength = maxLineLength
        input.decoder = decoder
        var frames: [Frame] = []
        let damage = try input.readLines { frames.append(Frame($0)) }
        results.append((frames, damage))
    }
    for other in results.dropFirst() {
        if case .corruptGzip = results[0].damage {
            continue
        }
        #expect(other.frames == results[0].frames, "gzip decoders disagree on lines", sourceLocation: sourceLocation)
        #expect(other.damage.map(damageKind) == results[0].damage.map(damageKind), "gzip decoders disagree on damage",
                sourceLocation: sourceLocation)
    }
    return results[0]
}

/// Returns the kind of damage without its compressed offset, which differs between decoders that detect
/// corruption at different points of the same deflate block.
private func damageKind(_ error: InputError) -> String {
    switch error {
    case .corruptGzip: return "corrupt"
    case .truncatedGzip: return "truncated"
    case .trailingGarbage(_, let offset): return "trailing garbage at \(offset)"
    default: return "\(error)"
    }
}

/// Splits `bytes` on 0x0A, as `LineFramer` is specified to, to serve as the oracle for framing.
///
/// A final newline ends the last line rather than starting an empty one.
func splitLines(_ bytes: [UInt8]) -> [[UInt8]] {
    var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map { Array($0) }
    if lines.last?.isEmpty == true { lines.removeLast() }
    return lines
}

/// Test inputs compressed with zlib, built in memory so no binary fixture needs to be committed.
enum GzipFixture {
    /// Compresses `parts` into one gzip member, with a full flush after each part but the last.
    ///
    /// A full flush ends the deflate data on a byte boundary with an empty stored block, so the returned
    /// offsets (one per flushed part) mark places where bytes can be inserted between deflate blocks.
    static func member(_ parts: [[UInt8]], level: Int32 = 6) -> (bytes: [UInt8], flushOffsets: [Int]) {
        var stream = z_stream()
        let setup = deflateInit2_(
            &stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
            Int32(MemoryLayout<z_stream>.size))
        precondition(setup == Z_OK, "deflateInit2_ failed with code \(setup)")
        defer { deflateEnd(&stream) }

        var output: [UInt8] = []
        var flushOffsets: [Int] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        let emptyPart: [UInt8] = [0]
        for (index, part) in parts.enumerated() {
            let isLast = index == parts.count - 1
            let flush = isLast ? Z_FINISH : Z_FULL_FLUSH
            // zlib needs a valid pointer even for an empty part, so an empty part points at a spare byte.
            var input = part.isEmpty ? emptyPart : part
            input.withUnsafeMutableBufferPointer { source in
                stream.next_in = source.baseAddress
                stream.avail_in = uInt(part.count)
                while true {
                    let produced = chunk.withUnsafeMutableBufferPointer { target -> Int in
                        stream.next_out = target.baseAddress
                        stream.avail_out = uInt(target.count)
                        let code = deflate(&stream, flush)
                        precondition(code == Z_OK || code == Z_STREAM_END || code == Z_BUF_ERROR)
                        return target.count - Int(stream.avail_out)
                    }
                    output.append(contentsOf: chunk[0..<produced])
                    // deflate is done with this part once it leaves room in the output buffer.
                    if stream.avail_out > 0 { break }
                }
            }
            if !isLast { flushOffsets.append(output.count) }
        }
        return (output, flushOffsets)
    }

    /// Compresses `bytes` into one gzip member.
    static func member(_ bytes: [UInt8], level: Int32 = 6) -> [UInt8] {
        member([bytes], level: level).bytes
    }

    /// Inflates as much of a possibly cut or damaged gzip stream as zlib can, in one call per member.
    ///
    /// This is the oracle for damaged inputs: one large output buffer and all input at once, rather than the
    /// block-by-block feeding that `GzipInflater` does.
    static func inflatePrefix(_ bytes: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        let setup = inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        precondition(setup == Z_OK, "inflateInit2_ failed with code \(setup)")
        defer { inflateEnd(&stream) }

        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var input = bytes
        input.withUnsafeMutableBufferPointer { source in
            stream.next_in = source.baseAddress
            stream.avail_in = uInt(source.count)
            while true {
                var code: Int32 = Z_OK
                let produced = chunk.withUnsafeMutableBufferPointer { target -> Int in
                    stream.next_out = target.baseAddress
                    stream.avail_out = uInt(target.count)
                    code = inflate(&stream, Z_NO_FLUSH)
                    return target.count - Int(stream.avail_out)
                }
                output.append(contentsOf: chunk[0..<produced])
                if code == Z_STREAM_END && stream.avail_in > 0 {
                    inflateReset(&stream)
                    continue
                }
                if code != Z_OK || (stream.avail_in == 0 && produced < chunk.count) { break }
            }
        }
        return output
    }

    /// Compresses `bytes` with the system's `/bin/gzip`, whose header also stores the file name and time.
    static func runGzip(_ bytes: [UInt8], in directory: TemporaryDirectory) throws -> [UInt8] {
        let source = try directory.write(bytes, named: "gzip-source-\(UUID().uuidString)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-c", source]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let compressed = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CocoaError(.fileReadUnknown, userInfo: [NSFilePathErrorKey: source])
        }
        return Array(compressed)
    }
}
