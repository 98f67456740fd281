import Foundation
import Glibc
import Testing

@testable import GraygateCore

/// A small gzip stream that inflates to gigabytes must be read in flat memory: the line-length limit
/// rejects an endless line as it arrives, and a repeated line is counted and dropped line by line.
@Suite("Gzip bombs")
struct GzipBombTests {
    /// Writes a gzip file of `megabytes` MiB made of `block` repeated, and returns its path with the bytes of
    /// one MiB of it.
    ///
    /// One MiB is compressed once, and the file repeats that gzip member, so making a gigabyte takes
    /// milliseconds. Concatenated members are one valid gzip stream, as rotated logs are.
    static func writeBomb(name: String, block: [UInt8], megabytes: Int) throws -> (url: URL, mebibyte: [UInt8]) {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("graygate-bomb-\(name)-\(getpid()).gz")
        let mebibyte = Array(repeatElement(block, count: (1 << 20) / block.count + 1).joined().prefix(1 << 20))
        var member = Data()
        let writer = try GzipWriter(level: 9)
        try mebibyte.withUnsafeBytes { bytes in try writer.write(bytes) { member.append(contentsOf: $0) } }
        try writer.finishMember { member.append(contentsOf: $0) }
        var compressed = Data(capacity: member.count * megabytes)
        for _ in 0..<megabytes {
            compressed.append(member)
        }
        try compressed.write(to: url)
        return (url, mebibyte)
    }

    /// The peak resident set size of this process so far, in bytes.
    static func peakResidentBytes() -> Int {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return usage.ru_maxrss * 1024  // Linux reports kilobytes.
    }

    /// The size of the newline-free stream: 1 GiB in optimized builds, 256 MiB in debug builds, where
    /// scanning a gigabyte takes about 25 seconds per run.
    #if DEBUG
    static let endlessMegabytes = 256
    #else
    static let endlessMegabytes = 1024
    #endif

    @Test("newline-free stream is one overlong line", arguments: [1, 2])
    func newlineFreeStream(workers: Int) throws {
        let url = try Self.writeBomb(name: "endless-\(workers)", block: Array("x".utf8), megabytes: Self.endlessMegabytes).url
        defer { try? FileManager.default.removeItem(at: url) }
        let compressedSize = try #require(try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int)
        #expect(compressedSize < 8 << 20, "the stream is \(compressedSize) bytes")

        let peakBefore = Self.peakResidentBytes()
        let report = try Analysis(configuration: Configuration(), workerCount: workers).run(inputs: [url.path])
        let growth = Self.peakResidentBytes() - peakBefore

        #expect(report.input.linesRead == 1)
        #expect(report.input.rejectedByReason == ["line_too_long": 1])
        #expect(report.input.isReconciled)
        #expect(report.input.damage.isEmpty)
        // Tests run in parallel in this process, so the bound is loose: a whole-line buffer would need the stream's size.
        #expect(growth < 256 << 20, "peak resident size grew by \(growth >> 20) MiB")
    }

    @Test("repeated line inflating to 16 MiB")
    func repeatedLine() throws {
        let line = Array(#"{"cohort":"gray","latency_ms":12.5,"status":200}"#.utf8) + [0x0A]
        // 16 MiB keeps the debug build quick; memory per line does not depend on the stream's length.
        let (url, mebibyte) = try Self.writeBomb(name: "repeated", block: line, megabytes: 16)
        defer { try? FileManager.default.removeItem(at: url) }

        let peakBefore = Self.peakResidentBytes()
        let report = try Analysis(configuration: Configuration(), workerCount: 2).run(inputs: [url.path])
        let growth = Self.peakResidentBytes() - peakBefore

        // Each MiB ends inside a line, which the next MiB's first bytes complete into one damaged line.
        let newlines = 16 * mebibyte.filter { $0 == 0x0A }.count
        #expect(report.input.linesRead == newlines + 1)
        #expect(report.input.acceptedLines >= newlines - 16)
        #expect(report.input.rejectedLines <= 17)
        #expect(report.input.isReconciled)
        #expect(growth < 256 << 20, "peak resident size grew by \(growth >> 20) MiB")
    }
}
