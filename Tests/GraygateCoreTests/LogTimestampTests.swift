import Foundation
import Testing

@testable import GraygateCore

struct LogTimestampTests {
    /// Seconds since the epoch from Foundation's calendar, an implementation independent of the parser.
    private static func reference(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, _ second: Int,
                                  offsetSeconds: Int = 0) -> Double {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: offsetSeconds)!
        let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        return calendar.date(from: components)!.timeIntervalSince1970
    }

    private static func parse(_ text: String) -> Double? {
        Array(text.utf8).withUnsafeBytes { LogTimestamp.parseRFC3339($0) }
    }

    @Test(arguments: [
        ("2026-12-04T08:00:00Z", reference(2026, 12, 4, 8, 0, 0)),
        ("2026-12-04T08:00:00.001Z", reference(2026, 12, 4, 8, 0, 0) + 0.001),
        ("2026-12-04t08:00:00.5z", reference(2026, 12, 4, 8, 0, 0) + 0.5),
        ("2026-12-04 08:00:00+08:00", reference(2026, 12, 4, 8, 0, 0, offsetSeconds: 8 * 3600)),
        ("2026-12-04T08:00:00.123456789-05:30", reference(2026, 12, 4, 8, 0, 0, offsetSeconds: -(5 * 3600 + 1800)) + 0.123456789),
        ("1970-01-01T00:00:00Z", 0),
        ("2024-02-29T23:59:59Z", reference(2024, 2, 29, 23, 59, 59)),
        ("2000-03-01T00:00:00Z", reference(2000, 3, 1, 0, 0, 0)),
        ("1969-12-31T23:59:59Z", -1),
    ])
    func parsesRFC3339(text: String, expected: Double) {
        let parsed = Self.parse(text)
        #expect(parsed != nil, "\(text)")
        #expect(abs((parsed ?? .nan) - expected) < 1e-6, "\(text): \(String(describing: parsed)) != \(expected)")
    }

    @Test(arguments: [
        "2023-02-29T00:00:00Z",  // not a leap year
        "2026-13-01T00:00:00Z",
        "2026-04-31T00:00:00Z",
        "2026-12-04T24:00:00Z",
        "2026-12-04T08:00:00",  // RFC 3339 requires an offset
        "2026-12-04T08:00:00.Z",
        "2026-12-04T08:00:00Zjunk",
        "2026-12-04",
        "26-12-04T08:00:00Z",
        "",
    ])
    func rejectsMalformedTimestamps(text: String) {
        #expect(Self.parse(text) == nil, "\(text)")
    }

    @Test func automaticUnitTellsEpochUnitsApartBySize() {
        let seconds = 1_796_371_200.0  // 2026-12-04T08:00:00Z
        #expect(LogTimestamp.seconds(sinceEpoch: seconds, unit: .automatic) == seconds)
        #expect(LogTimestamp.seconds(sinceEpoch: seconds * 1e3, unit: .automatic) == seconds)
        #expect(LogTimestamp.seconds(sinceEpoch: seconds * 1e6, unit: .automatic) == seconds)
        #expect(LogTimestamp.seconds(sinceEpoch: seconds * 1e9, unit: .automatic) == seconds)
        #expect(LogTimestamp.seconds(sinceEpoch: 1500, unit: .milliseconds) == 1.5)
        #expect(LogTimestamp.seconds(sinceEpoch: -1, unit: .seconds) == nil)
        #expect(LogTimestamp.seconds(sinceEpoch: .infinity, unit: .automatic) == nil)
        #expect(Self.reference(2026, 12, 4, 8, 0, 0) == seconds)
    }

    @Test func mapperReadsTimestampOnlyWhenAsked() throws {
        var mapping = Mapping()
        mapping.timestampPath = FieldPath("meta.time")!
        let line = Array(#"{"cohort":"gray","latency_ms":5,"meta":{"time":"2026-12-04T08:00:00Z"}}"#.utf8)
        let numeric = Array(#"{"cohort":"gray","latency_ms":5,"meta":{"time":1796371200123}}"#.utf8)

        var reading = RecordMapper(mapping: mapping, timestamps: .everyLine)
        var record = reading.makeRecord()
        _ = line.withUnsafeBytes { reading.read($0, into: &record) }
        #expect(record.timestamp == 1_796_371_200)
        _ = numeric.withUnsafeBytes { reading.read($0, into: &record) }
        #expect(record.timestamp == 1_796_371_200.123)

        var ignoring = RecordMapper(mapping: mapping)
        var other = ignoring.makeRecord()
        _ = line.withUnsafeBytes { ignoring.read($0, into: &other) }
        #expect(other.timestamp == nil)
    }
}
