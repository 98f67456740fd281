import CZlib
import Foundation
import Testing

@testable import GraygateCore

@Suite("Gzip writer")
struct GzipWriterTests {
    @Test("level 0 stores and level 9 compresses")
    func levels() throws {
        let input = Array(repeating: Array("graygate simulate\n".utf8), count: 1_000).flatMap { $0 }
        for level in [0, 1, 9] {
            let writer = try GzipWriter(level: level)
            var output: [UInt8] = []
            try input.withUnsafeBytes { try writer.write($0) { output.append(contentsOf: $0) } }
            try writer.finishMember { output.append(contentsOf: $0) }

            #expect(try inflateMembers(output) == [input], "level \(level)")
            if level == 0 {
                #expect(output.count > input.count)
            } else {
                #expect(output.count < input.count / 10, "level \(level) wrote \(output.count) bytes")
            }
        }
    }

    @Test("invalid level is rejected")
    func invalidLevel() {
        #expect(throws: GzipError.invalidLevel(10)) { try GzipWriter(level: 10) }
        #expect(throws: GzipError.invalidLevel(-1)) { try GzipWriter(level: -1) }
        #expect(GzipError.invalidLevel(10).description == "gzip level must be between 0 and 9, got 10")
    }
}

struct InflateError: Error, CustomStringConvertible {
    let code: Int32
    var description: String { "inflate failed with zlib code \(code)" }
}

/// Inflates a gzip stream member by member and returns each member's content.
///
/// inflate stops with Z_STREAM_END at the end of every member, and the stream is then reset to read the
/// next one. The member count therefore comes from zlib itself rather than from searching for header bytes.
func inflateMembers(_ compressed: [UInt8]) throws -> [[UInt8]] {
    let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    stream.initialize(to: z_stream())
    defer {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }
    let initCode = inflateInit2_(stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
    guard initCode == Z_OK else { throw InflateError(code: initCode) }

    var members: [[UInt8]] = []
    var current: [UInt8] = []
    var output = [UInt8](repeating: 0, count: 64 * 1024)
    try compressed.withUnsafeBufferPointer { input in
        stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
        stream.pointee.avail_in = uInt(input.count)
        while stream.pointee.avail_in > 0 {
            let code = output.withUnsafeMutableBufferPointer { buffer -> Int32 in
                stream.pointee.next_out = buffer.baseAddress
                stream.pointee.avail_out = uInt(buffer.count)
                return inflate(stream, Z_NO_FLUSH)
            }
            current += output[..<(output.count - Int(stream.pointee.avail_out))]
            switch code {
            case Z_STREAM_END:
                members.append(current)
                current = []
                let resetCode = inflateReset(stream)
                guard resetCode == Z_OK else { throw InflateError(code: resetCode) }
            case Z_OK:
                continue
            default:
                throw InflateError(code: code)
            }
        }
    }
    guard current.isEmpty else { throw InflateError(code: Z_BUF_ERROR) }
    return members
}
