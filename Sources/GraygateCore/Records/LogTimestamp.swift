import Foundation

/// The unit of a timestamp written as a number since the Unix epoch.
public enum TimestampUnit: String, Sendable, CaseIterable {
    /// Chosen per value by magnitude: seconds, milliseconds, microseconds or nanoseconds since 1970.
    case automatic = "auto"
    case seconds = "s"
    case milliseconds = "ms"
    case microseconds = "us"
    case nanoseconds = "ns"
}

/// Reads request timestamps: RFC 3339 strings and numbers since the Unix epoch, as seconds since the epoch.
enum LogTimestamp {
    /// Converts a number since the epoch to seconds.
    ///
    /// The automatic unit distinguishes the units by size, which is unambiguous for dates between 1973 and
    /// 5138: 10¹¹ seconds is far in the future, while 10¹¹ milliseconds is early 1973.
    static func seconds(sinceEpoch value: Double, unit: TimestampUnit) -> Double? {
        guard value.isFinite, value >= 0 else { return nil }
        switch unit {
        case .seconds: return value
        case .milliseconds: return value / 1e3
        case .microseconds: return value / 1e6
        case .nanoseconds: return value / 1e9
        case .automatic:
            if value < 1e11 { return value }
            if value < 1e14 { return value / 1e3 }
            if value < 1e17 { return value / 1e6 }
            return value / 1e9
        }
    }

    /// Parses an RFC 3339 date-time such as `2026-12-04T08:00:00.001Z` or `2026-12-04 08:00:00+08:00`.
    ///
    /// A space may stand for `T`, letters may be lower case, and the fraction may have any number of digits,
    /// as RFC 3339 allows. Returns nil for anything else, including out-of-range fields.
    static func parseRFC3339(_ bytes: UnsafeRawBufferPointer) -> Double? {
        var cursor = DigitCursor(bytes: bytes)
        guard let year = cursor.digits(4), cursor.skip("-"),
              let month = cursor.digits(2), cursor.skip("-"),
              let day = cursor.digits(2),
              cursor.skipDateTimeSeparator(),
              let hour = cursor.digits(2), cursor.skip(":"),
              let minute = cursor.digits(2), cursor.skip(":"),
              let second = cursor.digits(2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysInMonth(month, year: year),
              hour < 24, minute < 60, second <= 60  // 60 is a leap second.
        else { return nil }

        var fraction = 0.0
        if cursor.skip(".") {
            var scale = 0.1
            var digitCount = 0
            while let digit = cursor.digit() {
                fraction += Double(digit) * scale
                scale /= 10
                digitCount += 1
            }
            guard digitCount > 0 else { return nil }
        }

        var offsetSeconds = 0
        if cursor.skip("Z") || cursor.skip("z") {
            offsetSeconds = 0
        } else if let sign = cursor.sign(), let offsetHour = cursor.digits(2), cursor.skip(":"),
                  let offsetMinute = cursor.digits(2), offsetHour < 24, offsetMinute < 60 {
            offsetSeconds = sign * (offsetHour * 3600 + offsetMinute * 60)
        } else {
            return nil
        }
        guard cursor.isAtEnd else { return nil }

        let days = daysSinceEpoch(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        return Double(seconds) + fraction
    }

    /// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (Howard Hinnant's algorithm).
    static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func daysInMonth(_ month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

/// Steps through the ASCII bytes of a timestamp.
private struct DigitCursor {
    let bytes: UnsafeRawBufferPointer
    var position = 0

    var isAtEnd: Bool { position == bytes.count }

    mutating func digit() -> Int? {
        guard position < bytes.count, bytes[position] >= UInt8(ascii: "0"), bytes[position] <= UInt8(ascii: "9") else { return nil }
        defer { position += 1 }
        return Int(bytes[position] - UInt8(ascii: "0"))
    }

    mutating func digits(_ count: Int) -> Int? {
        var value = 0
        for _ in 0..<count {
            guard let digit = digit() else { return nil }
            value = value * 10 + digit
        }
        return value
    }

    mutating func skip(_ character: Unicode.Scalar) -> Bool {
        guard position < bytes.count, bytes[position] == UInt8(ascii: character) else { return false }
        position += 1
        return true
    }

    mutating func skipDateTimeSeparator() -> Bool {
        skip("T") || skip("t") || skip(" ")
    }

    mutating func sign() -> Int? {
        if skip("+") { return 1 }
        if skip("-") { return -1 }
        return nil
    }
}
