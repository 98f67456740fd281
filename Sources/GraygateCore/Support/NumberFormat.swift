import Foundation

/// Formats numbers for sentences and tables: locale-independent, short, and never "nan" or "inf".
enum NumberFormat {
    /// Formats with `digits` significant digits, switching to scientific notation for very large or small
    /// magnitudes; nil prints as an em dash.
    static func significant(_ value: Double?, digits: Int = 3) -> String {
        guard let value, value.isFinite else { return "—" }
        if value == 0 { return "0" }
        let magnitude = abs(value)
        if magnitude >= 1e7 || magnitude < 1e-4 {
            return String(format: "%.\(max(digits - 1, 0))e", value)
        }
        let decimals = max(0, digits - 1 - Int(floor(log10(magnitude))))
        var text = String(format: "%.\(decimals)f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }

    /// Formats a fraction as a signed percentage: 0.123 becomes "+12.3%".
    static func signedPercent(_ fraction: Double?, digits: Int = 3) -> String {
        guard let fraction, fraction.isFinite else { return "—" }
        let text = significant(fraction * 100, digits: digits)
        return (fraction > 0 ? "+" : "") + text + "%"
    }

    /// Formats a fraction as a percentage without a sign: 0.0123 becomes "1.23%".
    static func percent(_ fraction: Double?, digits: Int = 3) -> String {
        guard let fraction, fraction.isFinite else { return "—" }
        return significant(fraction * 100, digits: digits) + "%"
    }

    /// Formats a difference of rates in percentage points: 0.0052 becomes "+0.52 pp".
    static func percentagePoints(_ difference: Double?) -> String {
        guard let difference, difference.isFinite else { return "—" }
        return (difference > 0 ? "+" : "") + significant(difference * 100, digits: 3) + " pp"
    }

    /// Formats a p-value; below 1e-300 it uses the log₁₀ value so an underflowed p still reads, as 2.3e-562.
    /// Formats seconds since the epoch as an RFC 3339 UTC time with milliseconds: "2026-12-04T08:00:00.001Z".
    static func timestamp(_ seconds: Double) -> String {
        let milliseconds = Int64((seconds * 1000).rounded(.down))
        let (days, millisecondOfDay) = milliseconds.quotientAndRemainder(dividingBy: 86_400_000)
        let (dayShift, dayMilliseconds) = millisecondOfDay < 0 ? (Int64(-1), millisecondOfDay + 86_400_000) : (0, millisecondOfDay)
        let date = civilDate(daysSinceEpoch: days + dayShift)
        let hours = dayMilliseconds / 3_600_000
        let minutes = dayMilliseconds / 60_000 % 60
        let secondsOfMinute = dayMilliseconds / 1000 % 60
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", date.year, date.month, date.day,
                      Int(hours), Int(minutes), Int(secondsOfMinute), Int(dayMilliseconds % 1000))
    }

    /// Formats a duration in seconds as the largest units that matter: "45 s", "12 min 5 s", "3 h 20 min".
    static func duration(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        if whole < 60 { return whole == 0 && seconds > 0 ? String(format: "%.3f s", seconds) : "\(whole) s" }
        if whole < 3600 { return "\(whole / 60) min \(whole % 60) s" }
        if whole < 86_400 { return "\(whole / 3600) h \(whole / 60 % 60) min" }
        return "\(whole / 86_400) d \(whole / 3600 % 24) h"
    }

    static func pValue(_ value: Double?, log10Value: Double? = nil) -> String {
        guard let value, value.isFinite else { return "—" }
        if value < 1e-300, let log10Value, log10Value.isFinite {
            var exponent = floor(log10Value)
            var mantissa = pow(10, log10Value - exponent)
            if mantissa >= 9.95 {
                mantissa /= 10
                exponent += 1
            }
            return String(format: "%.1fe%d", mantissa, Int(exponent))
        }
        if value < 1e-4 { return String(format: "%.1e", value) }
        return significant(value, digits: 2)
    }

    /// Formats a signed value with its unit: "+4.2 ms".
    static func signed(_ value: Double?, unit: String, digits: Int = 3) -> String {
        guard let value, value.isFinite else { return "—" }
        return (value > 0 ? "+" : "") + significant(value, digits: digits) + (unit.isEmpty ? "" : " \(unit)")
    }
}
