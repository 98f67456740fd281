import CZlib
import Foundation
import Testing

@testable import GraygateCore

@Suite("Gzip writer")
struct GzipWriterTests {
    @Test("single member inflates to the plain log")
    func singleMember() throws {
        let parameters = SimulationParameters(requestCount: 20_000)
        let plain = try plainLog(parameters)
        let compressed = try gzipLog(parameters, members: 1)

        let members = try inflateMembers(compressed)
        #expect(members.count == 1)
        #expect(members.joined().elementsEqual(plain))
        #expect(compressed.count < plain.count / 3, "compressed \(compressed.count) of \(plain.count) bytes")
    }

    @Test("several members inflate to the plain log", arguments: [2, 3, 7])
    func severalMembers(memberCount: Int) throws {
        let parameters = SimulationParameters(requestCount: 3_001)
        let plain = try plainLog(parameters)
        let compressed = try gzipLog(parameters, members: memberCount)

        let members = try inflateMembers(compressed)
        #expect(members.count == memberCount)
        #expect(members.joined().elementsEqual(plain))

        // Members hold whole lines, and their line counts differ by at most one.
        let lineCounts = members.map { member in member.split(separator: UInt8(ascii: "\n")).count }
        #expect(lineCounts.reduce(0, +) == parameters.requestCount)
        #expect(lineCounts.max()! - lineCounts.min()! <= 1, "line counts \(lineCounts)")
        #expect(members.allSatisfy { $0.last == UInt8(ascii: "\n") })
    }

    @Test(
        "gzip tool decompresses several members",
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/gzip")))
    func gzipToolDecompresses() throws {
        let parameters = SimulationParameters(requestCount: 5_000, errorRateIncrease: 0.1)
        let plain = try plainLog(parameters)
        let compressed = try gzipLog(parameters, members: 3)
        #expect(try runGzipDecompress(compressed) == Data(plain))
    }

    @Test("members with no lines stay valid")
    func emptyMembers() throws {
        let parameters = SimulationParameters(requestCount: 2)
        let compressed = try gzipLog(parameters, members: 4)
        let members = try inflateMembers(compressed)
        #expect(members.count == 4)
        #expect(members.map(\.count).filter { $0 == 0 }.count == 2)
        #expect(members.joined().elementsEqual(try plainLog(parameters)))
    }

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

/// Returns the gzip output of `simulate` with `members` members.
func gzipLog(_ parameters: SimulationParameters, members: Int) throws -> [UInt8] {
    var output: [UInt8] = []
    try simulate(parameters, gzip: true, gzipMembers: members) { output.append(contentsOf: $0) }
    return output
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

/// Returns the output of `/usr/bin/gzip -dc` on `compressed`.
func runGzipDecompress(_ compressed: [UInt8]) throws -> Data {
    let directory = FileManager.default.temporaryDirectory
    let input = directory.appendingPathComponent("graygate-simulate-\(UUID().uuidString).gz")
    try Data(compressed).write(to: input)
    defer { try? FileManager.default.removeItem(at: input) }

    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/gzip")
    process.arguments = ["-dc", input.path]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    return output
}
