// The checks behind the fuzz targets in Fuzz/. scripts/fuzz compiles this file into each fuzz target, and
// FuzzRegressionTests runs the same checks on the inputs that once failed them, so a fix is kept.
//
// Each check returns nil when the input was handled correctly, or a message naming the violated property.
// It uses only GraygateCore and Foundation, not the Testing module, so that it builds in both places.

import Foundation
@testable import GraygateCore

enum FuzzChecks {
    // MARK: - lines

    /// The default configuration and each preset's, parsed once because parsing costs more than one run.
    static let configurations: [(name: String, configuration: Configuration)] = {
        var all = [(name: "default", configuration: Configuration())]
        for preset in Preset.all {
            do {
                all.append((preset.name, try ConfigurationLoader.preset(named: preset.name)))
            } catch {
                fatalError("preset '\(preset.name)' does not load: \(error)")
            }
        }
        return all
    }()

    /// Parses `input` as a log with every configuration and every container log format, and checks that
    /// each line is accounted for once.
    ///
    /// A first byte of 0x80 or more sets a line limit of 16 to 143 bytes, so that oversized lines and joined
    /// lines past the limit are reached. Other inputs run under the configured limit (16 MB).
    static func linesViolation(in input: UnsafeRawBufferPointer) -> String? {
        let lineLimit = input.first.flatMap { $0 >= 0x80 ? 16 + Int($0 & 0x7F) : nil }
        for (name, configuration) in configurations {
            for wrapper in LogWrapper.allCases {
                if let violation = linesViolation(in: input, configuration: configuration, wrapper: wrapper,
                                                  lineLimit: lineLimit) {
                    return "\(name) mapping, wrapper \(wrapper.rawValue): \(violation)"
                }
            }
        }
        return nil
    }

    /// Parses `input` as one chunk, as a parser thread does, and checks the line accounting of the summary.
    static func linesViolation(in input: UnsafeRawBufferPointer, configuration: Configuration, wrapper: LogWrapper,
                               lineLimit: Int?) -> String? {
        var configuration = configuration
        if let lineLimit {
            configuration.input.maxLineBytes = lineLimit
        }
        let buffer = ChunkBuffer(capacity: max(input.count, 1))
        if let base = input.baseAddress {
            buffer.storage.baseAddress?.copyMemory(from: base, byteCount: input.count)
        }
        buffer.count = input.count
        let chunk = Chunk(inputIndex: 0, sequence: 0, startsInput: true, content: .lines(buffer), wrapper: wrapper)

        var parser = ChunkParser(configuration: configuration, paths: ["fuzz input"], maxExamples: 5)
        let physicalLines = parser.parse(chunk)
        parser.finish()

        let accounting = parser.summary.input
        let counted = accounting.acceptedLines + accounting.rejectedLines + accounting.blankLines
        guard accounting.linesRead == counted else {
            return "linesRead \(accounting.linesRead) != accepted \(accounting.acceptedLines) + rejected "
                + "\(accounting.rejectedLines) + blank \(accounting.blankLines)"
        }
        guard accounting.linesRead + accounting.joinedPieces == physicalLines else {
            return "linesRead \(accounting.linesRead) + joinedPieces \(accounting.joinedPieces) != "
                + "\(physicalLines) physical lines"
        }
        return nil
    }

    // MARK: - gzip

    /// The output buffer size given to the decoders, small so that one input spans several output blocks.
    static let gzipOutputCapacity = 4096

    /// The output kept per decoding; past it the decoding stops, as a reader that has what it needs would.
    static let gzipOutputLimit = 1 << 22

    /// Decodes `input` raw and, gzip-compressed by graygate's writer, intact and with one byte changed, with
    /// every decoder this build contains, and checks that they agree.
    ///
    /// The raw input is fed in two pieces, split at the position its first byte names, to cross a feed
    /// boundary. The compressed input must decode to `input` exactly.
    static func gzipViolation(in input: UnsafeRawBufferPointer) -> String? {
        let split = input.first.map { min(Int($0) * 8, input.count) } ?? 0
        if let violation = gzipDecodersViolation(in: [UnsafeRawBufferPointer(rebasing: input[..<split]),
                                                      UnsafeRawBufferPointer(rebasing: input[split...])]) {
            return "raw input: \(violation)"
        }

        var compressed: [UInt8]
        do {
            compressed = try gzipCompressed(input)
        } catch {
            return "the gzip writer failed: \(error)"
        }
        let intact = decodeWithEveryDecoder(compressed)
        for (name, result) in intact where result.error != nil || result.output != Array(input) {
            return "compressed input: \(name) decoded \(result.output.count) of \(input.count) bytes, error "
                + "\(result.error.map { "\($0)" } ?? "none")"
        }

        // A byte changed where the input's own bytes point, so the fuzzer steers the damage.
        var hash = 0
        for byte in input { hash = (hash &* 31) &+ Int(byte) }
        let position = Int(UInt(bitPattern: hash) % UInt(compressed.count))
        compressed[position] ^= UInt8(truncatingIfNeeded: hash >> 8) | 1
        let damaged = compressed
        if let violation = damaged.withUnsafeBytes({ gzipDecodersViolation(in: [$0]) }) {
            return "compressed input with byte \(position) changed: \(violation)"
        }
        return nil
    }

    /// Compresses `input` into one gzip member with graygate's writer.
    static func gzipCompressed(_ input: UnsafeRawBufferPointer) throws -> [UInt8] {
        var compressed: [UInt8] = []
        let writer = try GzipWriter(level: 6)
        try writer.write(input) { compressed.append(contentsOf: $0) }
        try writer.finishMember { compressed.append(contentsOf: $0) }
        return compressed
    }

    /// The plain bytes a decoder produced and the error that ended it, if any.
    struct GzipResult {
        var output: [UInt8] = []
        var error: (any Error)?
        var largestBlock = 0
    }

    private struct OutputLimitReached: Error {}

    /// Decodes `pieces`, fed in order, with every decoder, and checks the output blocks' sizes and that the
    /// decoders agree: on success or failure, and on the bytes produced before any error.
    static func gzipDecodersViolation(in pieces: [UnsafeRawBufferPointer]) -> String? {
        let results = decodeWithEveryDecoder(pieces)
        for (name, result) in results where result.largestBlock > gzipOutputCapacity {
            return "\(name) passed on a block of \(result.largestBlock) bytes, more than its \(gzipOutputCapacity)-byte buffer"
        }
        guard let (firstName, first) = results.first else { return nil }
        for (name, other) in results.dropFirst() {
            let limited = first.error is OutputLimitReached || other.error is OutputLimitReached
            let common = min(first.output.count, other.output.count)
            guard first.output[..<common] == other.output[..<common] else {
                return "\(firstName) and \(name) differ within the first \(common) bytes"
            }
            if limited { continue }
            guard (first.error == nil) == (other.error == nil) else {
                return "\(firstName) \(describe(first)) but \(name) \(describe(other))"
            }
            guard first.error != nil || first.output.count == other.output.count else {
                return "\(firstName) produced \(first.output.count) bytes but \(name) \(other.output.count)"
            }
        }
        return nil
    }

    private static func describe(_ result: GzipResult) -> String {
        guard let error = result.error else { return "succeeded with \(result.output.count) bytes" }
        return "failed after \(result.output.count) bytes with \(error)"
    }

    static func decodeWithEveryDecoder(_ bytes: [UInt8]) -> [(String, GzipResult)] {
        bytes.withUnsafeBytes { decodeWithEveryDecoder([$0]) }
    }

    /// Decodes `pieces` with zlib and, when built, ISA-L, each stopping at `gzipOutputLimit` bytes of output.
    static func decodeWithEveryDecoder(_ pieces: [UnsafeRawBufferPointer]) -> [(String, GzipResult)] {
        var decoders: [(String, () throws -> any GzipDecoder)] = [
            ("zlib", { try GzipInflater(path: "fuzz input", outputCapacity: gzipOutputCapacity) })
        ]
        #if canImport(CISAL)
        decoders.append(("isa-l", { try IgzipInflater(path: "fuzz input", outputCapacity: gzipOutputCapacity) }))
        #endif

        return decoders.map { name, make in
            var result = GzipResult()
            do {
                let decoder = try make()
                for piece in pieces {
                    try decoder.inflate(piece) { block in
                        result.largestBlock = max(result.largestBlock, block.count)
                        guard result.output.count + block.count <= gzipOutputLimit else { throw OutputLimitReached() }
                        result.output.append(contentsOf: block)
                    }
                }
                try decoder.finish()
            } catch {
                result.error = error
            }
            return (name, result)
        }
    }

    // MARK: - config

    /// Parses `input` as a configuration file, which must succeed or throw `ConfigurationError`.
    static func configurationViolation(in input: UnsafeRawBufferPointer) -> String? {
        do {
            _ = try ConfigurationLoader.parse(Data(input), source: "fuzz input")
        } catch is ConfigurationError {
            return nil
        } catch {
            return "parse threw \(type(of: error)), not ConfigurationError: \(error)"
        }
        return nil
    }

    // MARK: - summary

    /// Decodes `input` as a summary file, raw and gzip-compressed, so that the JSON decoding is reached; each
    /// must succeed or throw `SummaryError`.
    static func summaryViolation(in input: UnsafeRawBufferPointer) -> String? {
        if let violation = summaryDecodingViolation(Data(input)) {
            return "raw input: \(violation)"
        }
        let compressed: [UInt8]
        do {
            compressed = try gzipCompressed(input)
        } catch {
            return "the gzip writer failed: \(error)"
        }
        if let violation = summaryDecodingViolation(Data(compressed)) {
            return "compressed input: \(violation)"
        }
        return nil
    }

    private static func summaryDecodingViolation(_ data: Data) -> String? {
        do {
            _ = try SummaryFile.decode(data, path: "fuzz.ggs", configuration: Configuration())
        } catch is SummaryError {
            return nil
        } catch {
            return "decode threw \(type(of: error)), not SummaryError: \(error)"
        }
        return nil
    }
}
