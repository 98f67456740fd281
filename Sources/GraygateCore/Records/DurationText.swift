/// Reads durations written as text with a unit, such as `270.6ms`, `536µs`, `1.3s` or `2m`.
///
/// Model servers print durations this way (Hugging Face TGI, Go's `time.Duration`). Several parts add
/// up, as Go writes them: `1m30.5s`. A bare number has no unit and is not a duration here.
enum DurationText {
    /// Returns the duration in milliseconds, or nil when `bytes` is not a duration with units.
    static func milliseconds(_ bytes: UnsafeRawBufferPointer) -> Double? {
        var position = 0
        var total = 0.0
        var parts = 0
        while position < bytes.count {
            let numberStart = position
            while position < bytes.count, isNumberByte(bytes[position]) { position += 1 }
            guard position > numberStart,
                  let value = Double(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[numberStart..<position]), as: UTF8.self)),
                  value.isFinite, value >= 0
            else { return nil }

            let unitStart = position
            while position < bytes.count, !isNumberByte(bytes[position]) { position += 1 }
            let unit = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[unitStart..<position]), as: UTF8.self)
            guard let scale = millisecondsPerUnit[unit] else { return nil }
            total += value * scale
            parts += 1
        }
        return parts > 0 ? total : nil
    }

    private static let millisecondsPerUnit: [String: Double] = [
        "ns": 1e-6, "us": 1e-3, "µs": 1e-3, "μs": 1e-3, "ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000,
    ]

    private static func isNumberByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: ".")
    }
}
