import Glibc

/// The earliest and latest of the timestamps of many lines, without parsing each one.
///
/// RFC 3339 times in UTC of one layout (the same length, `Z` at the end, the same separator) sort as text
/// in time order. A line whose text lies between the earliest and latest texts so far changes nothing, and
/// only texts that extend the range are stored. They are parsed once, when the range is read.
struct TimeRangeTracker {
    private var earliestText: [UInt8] = []
    private var latestText: [UInt8] = []
    private var earliestSeconds: Double?
    private var latestSeconds: Double?

    /// Folds in a timestamp's text when it has the layout of the texts kept so far; returns false when it
    /// has another layout and must be parsed and folded in as seconds.
    mutating func fold(_ text: UnsafeRawBufferPointer) -> Bool {
        guard text.count >= 20, text[text.count - 1] == UInt8(ascii: "Z") else { return false }
        if earliestText.isEmpty {
            guard LogTimestamp.parseRFC3339(text) != nil else { return false }
            earliestText = Array(text)
            latestText = earliestText
            return true
        }
        guard text.count == earliestText.count, text[10] == earliestText[10] else { return false }
        // The latest is tested first: in a log written in time order, almost every line extends it.
        let order = Self.compare(text, latestText)
        if order > 0 {
            // NOTE: a later text is kept unchecked, which saves a parse per line of a log in time order. When
            // the kept text is no valid time (`…T99:00:00Z`), `range` drops it, and the range of that chunk
            // ends at its earliest time instead.
            // The same length, so the bytes are copied in place without a new allocation.
            latestText.withUnsafeMutableBytes { $0.copyMemory(from: text) }
        } else if order < 0 && Self.compare(text, earliestText) < 0 {
            guard LogTimestamp.parseRFC3339(text) != nil else { return false }
            earliestText = Array(text)
        }
        return true
    }

    mutating func fold(_ seconds: Double) {
        earliestSeconds = min(earliestSeconds ?? seconds, seconds)
        latestSeconds = max(latestSeconds ?? seconds, seconds)
    }

    /// The range of everything folded in, parsing the two texts kept.
    var range: ClosedRange<Double>? {
        var earliest = earliestSeconds
        var latest = latestSeconds
        for text in [earliestText, latestText] where !text.isEmpty {
            guard let seconds = text.withUnsafeBytes({ LogTimestamp.parseRFC3339($0) }) else { continue }
            earliest = min(earliest ?? seconds, seconds)
            latest = max(latest ?? seconds, seconds)
        }
        guard let earliest, let latest else { return nil }
        return earliest...latest
    }

    private static func compare(_ text: UnsafeRawBufferPointer, _ kept: [UInt8]) -> Int32 {
        kept.withUnsafeBytes { memcmp(text.baseAddress!, $0.baseAddress!, kept.count) }  // Safe: both hold 20 bytes or more.
    }
}
