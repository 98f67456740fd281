import Foundation
import GraygateCore

/// A one-line progress indicator on a terminal's standard error: bytes, lines per second, and the time left
/// when the input size is known. It redraws at most four times a second.
final class ProgressDisplay {
    private let totalBytes: UInt64?
    private let started = Date()
    private var lastDrawn = Date.distantPast
    private var isShown = false

    init(totalBytes: UInt64?) {
        self.totalBytes = totalBytes
    }

    /// Returns the summed size of the inputs, or nil when one is standard input or not a regular file.
    static func totalSize(of inputs: [String]) -> UInt64? {
        var total: UInt64 = 0
        for path in inputs {
            guard path != "-",
                  let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                  attributes[.type] as? FileAttributeType == .typeRegular,
                  let size = attributes[.size] as? NSNumber
            else { return nil }
            total += size.uint64Value
        }
        return total
    }

    func update(bytesRead: UInt64, linesRead: Int) {
        let now = Date()
        guard now.timeIntervalSince(lastDrawn) >= 0.25 else { return }
        lastDrawn = now
        let elapsed = max(now.timeIntervalSince(started), 0.001)
        // The rate over the first second is unreliable, so the line is drawn only after it.
        guard elapsed >= 1 else { return }

        // Bytes are counted as read from the files, so compressed for gzip input.
        var text = "graygate: read \(Self.bytes(bytesRead))"
        if let totalBytes, totalBytes > 0 {
            let fraction = min(1, Double(bytesRead) / Double(totalBytes))
            text += " of \(Self.bytes(totalBytes)) (\(Int(fraction * 100))%)"
            if fraction > 0 {
                text += ", ETA \(Self.duration(elapsed / fraction - elapsed))"
            }
        }
        text += ", \(Self.count(linesRead)) lines, \(Self.count(Int(Double(linesRead) / elapsed))) lines/s"
        Terminal.writeStderr("\r\u{1B}[2K" + text)
        isShown = true
    }

    /// Erases the progress line, so the next message starts on a clean line.
    func clear() {
        guard isShown else { return }
        Terminal.writeStderr("\r\u{1B}[2K")
        isShown = false
    }

    private static func bytes(_ value: UInt64) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var scaled = Double(value)
        var unit = 0
        while scaled >= 1000 && unit < units.count - 1 {
            scaled /= 1000
            unit += 1
        }
        return String(format: unit == 0 ? "%.0f %@" : "%.1f %@", scaled, units[unit])
    }

    private static func count(_ value: Int) -> String {
        if value >= 1_000_000 { return String(format: "%.1f M", Double(value) / 1e6) }
        if value >= 1000 { return String(format: "%.0f k", Double(value) / 1e3) }
        return String(value)
    }

    private static func duration(_ seconds: Double) -> String {
        seconds < 60 ? String(format: "%.0f s", seconds) : String(format: "%.0f min", seconds / 60)
    }
}
