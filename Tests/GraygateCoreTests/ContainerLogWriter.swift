@testable import GraygateCore

/// Wraps log lines as a container runtime writes them to a node, for tests of `--wrapper`.
///
/// Lines longer than `runtimePieceSize` are split into pieces of that size, as runtimes do (typically at
/// 16 KiB). A share of the others is split at random offsets into 2 to 4 pieces, a share goes to stderr,
/// and when a split line is followed by a line on the other stream, their pieces interleave. Each stream's
/// pieces stay in order, so joining them per stream gives back every line.
struct ContainerLogWriter {
    enum Format {
        case cri
        case docker
    }

    var format: Format
    var seed: UInt64 = 1
    var runtimePieceSize = 16 * 1024

    /// The share of lines up to `runtimePieceSize` that are split at random offsets.
    var randomSplitShare = 0.2

    /// The share of lines written to stderr rather than stdout.
    var stderrShare = 0.1

    /// Returns the wrapped log and its number of physical lines.
    func wrap(_ lines: [[UInt8]]) -> (bytes: [UInt8], physicalLines: Int) {
        var generator = Xoshiro256StarStar(seed: seed)
        var output: [UInt8] = []
        var physicalLines = 0
        var index = 0
        while index < lines.count {
            let stream = generator.nextUniform() < stderrShare ? "stderr" : "stdout"
            let first = split(lines[index], generator: &generator).map { (stream, $0) }
            index += 1
            var queues = [first]
            if first.count > 1 && index < lines.count {
                let other = stream == "stdout" ? "stderr" : "stdout"
                queues.append(split(lines[index], generator: &generator).map { (other, $0) })
                index += 1
            }
            while queues.contains(where: { !$0.isEmpty }) {
                let candidates = queues.indices.filter { !queues[$0].isEmpty }
                let chosen = candidates[Int(generator.next() % UInt64(candidates.count))]
                let (pieceStream, piece) = queues[chosen].removeFirst()
                append(piece, stream: pieceStream, isFinal: queues[chosen].isEmpty, count: physicalLines, to: &output)
                physicalLines += 1
            }
        }
        return (output, physicalLines)
    }

    /// Splits a line into the pieces a runtime would write.
    private func split(_ line: [UInt8], generator: inout Xoshiro256StarStar) -> [ArraySlice<UInt8>] {
        if line.count > runtimePieceSize {
            return stride(from: 0, to: line.count, by: runtimePieceSize).map {
                line[$0..<min($0 + runtimePieceSize, line.count)]
            }
        }
        guard line.count >= 4, generator.nextUniform() < randomSplitShare else { return [line[...]] }
        let cutCount = 1 + Int(generator.next() % 3)
        let cuts = Set((0..<cutCount).map { _ in 1 + Int(generator.next() % UInt64(line.count - 1)) }).sorted()
        let bounds = [0] + cuts + [line.count]
        return zip(bounds, bounds.dropFirst()).map { line[$0..<$1] }
    }

    private func append(_ piece: ArraySlice<UInt8>, stream: String, isFinal: Bool, count: Int, to output: inout [UInt8]) {
        let seconds = count / 1000
        let time = "2026-12-04T08:\(twoDigits(seconds / 60 % 60)):\(twoDigits(seconds % 60)).\(nineDigits(count % 1000 * 1_000_000))Z"
        switch format {
        case .cri:
            output += Array("\(time) \(stream) \(isFinal ? "F" : "P") ".utf8)
            output += piece
        case .docker:
            output += Array(#"{"log":""#.utf8)
            output += Self.escaped(piece)
            if isFinal { output += Array(#"\n"#.utf8) }
            output += Array(#"","stream":"\#(stream)","time":"\#(time)"}"#.utf8)
        }
        output.append(0x0A)
    }

    /// Escapes bytes for a JSON string as Docker does: quotes, backslashes and control bytes.
    static func escaped(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + bytes.count / 8)
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                output += [UInt8(ascii: "\\"), byte]
            case 0x0A:
                output += Array(#"\n"#.utf8)
            case 0..<0x20:
                output += Array("\\u00\(byte < 0x10 ? "0" : "")\(String(byte, radix: 16))".utf8)
            default:
                output.append(byte)
            }
        }
        return output
    }

    private func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }

    private func nineDigits(_ value: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: 9 - text.count) + text
    }
}
