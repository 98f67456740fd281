/// Parses durations given on the command line: `500ms`, `10s`, `15m`, `2h`, or a bare number of seconds.
enum DurationArgument {
    static func seconds(_ text: String, flag: String, command: String) throws -> Double {
        let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        var number = Substring(text)
        var scale = 1.0
        for unit in units where text.hasSuffix(unit.suffix) {
            number = text.dropLast(unit.suffix.count)
            scale = unit.seconds
            break
        }
        guard let value = Double(number), value.isFinite, value > 0 else {
            throw UsageError(message: "invalid duration '\(text)' for \(flag): use a positive number of seconds, or one with ms, s, m or h, such as 10s or 15m",
                             command: command)
        }
        return value * scale
    }
}
