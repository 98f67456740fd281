/// A writer of RFC 3339 UTC timestamps with millisecond precision, such as `2026-12-04T08:00:00.123Z`.
///
/// The calendar date comes from integer arithmetic on the proleptic Gregorian calendar, and the writer keeps
/// the last day it converted, because consecutive log lines almost always fall on the same day.
struct UTCTimestampWriter {
    /// The number of bytes of every timestamp: `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    static let length = 24

    private var cachedDay: Int64 = .min
    private var cachedDate = (year: 0, month: 0, day: 0)

    /// Writes the timestamp of `milliseconds` since the Unix epoch, for years 0000 through 9999.
    @inline(__always)
    mutating func write(millisecondsSinceEpoch milliseconds: Int64, to output: UnsafeMutablePointer<UInt8>) {
        let millisecondsPerDay: Int64 = 86_400_000
        let (quotient, remainder) = milliseconds.quotientAndRemainder(dividingBy: millisecondsPerDay)
        let day = remainder < 0 ? quotient - 1 : quotient
        let millisecondOfDay = Int(remainder < 0 ? remainder + millisecondsPerDay : remainder)

        if day != cachedDay {
            cachedDay = day
            cachedDate = civilDate(daysSinceEpoch: day)
        }

        let year = cachedDate.year
        writeTwoDigits(year / 100, to: output)
        writeTwoDigits(year % 100, to: output + 2)
        output[4] = UInt8(ascii: "-")
        writeTwoDigits(cachedDate.month, to: output + 5)
        output[7] = UInt8(ascii: "-")
        writeTwoDigits(cachedDate.day, to: output + 8)
        output[10] = UInt8(ascii: "T")

        let secondOfDay = millisecondOfDay / 1000
        writeTwoDigits(secondOfDay / 3600, to: output + 11)
        output[13] = UInt8(ascii: ":")
        writeTwoDigits(secondOfDay / 60 % 60, to: output + 14)
        output[16] = UInt8(ascii: ":")
        writeTwoDigits(secondOfDay % 60, to: output + 17)
        output[19] = UInt8(ascii: ".")
        let millisecond = millisecondOfDay % 1000
        output[20] = UInt8(ascii: "0") + UInt8(truncatingIfNeeded: millisecond / 100)
        writeTwoDigits(millisecond % 100, to: output + 21)
        output[23] = UInt8(ascii: "Z")
    }
}

/// Returns the proleptic Gregorian date of a day counted from 1970-01-01 (day 0); earlier days are negative.
///
/// The computation shifts the year to start on March 1, so the leap day is the last day of its year, and
/// splits time into 400-year eras of 146,097 days, in which the calendar repeats exactly. Within an era,
/// the year follows from the day by correcting for the leap days of every 4th, 100th and 400th year. The
/// month follows from the day of the year by a linear formula, because from March on the month lengths
/// repeat in a five-month, 153-day pattern of 31, 30, 31, 30 and 31 days.
func civilDate(daysSinceEpoch days: Int64) -> (year: Int, month: Int, day: Int) {
    let daysFromMarchFirstOfYearZero = days + 719_468  // 0000-03-01 is 719,468 days before 1970-01-01.
    let era = (daysFromMarchFirstOfYearZero >= 0
        ? daysFromMarchFirstOfYearZero : daysFromMarchFirstOfYearZero - 146_096) / 146_097
    let dayOfEra = daysFromMarchFirstOfYearZero - era * 146_097  // 0...146_096
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365  // 0...399
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)  // 0...365, from March 1
    let monthFromMarch = (5 * dayOfYear + 2) / 153  // 0...11, March is 0
    let day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
    let month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
    let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    return (Int(year), Int(month), Int(day))
}
