import Foundation
import Testing

@testable import GraygateCore

@Suite("Byte formatting")
struct ByteFormattingTests {
    @Test("decimal integers", arguments: [0, 7, 10, 99, 100, 12345, UInt64.max])
    func decimal(value: UInt64) {
        #expect(render { writeDecimal(value, to: $0) } == "\(value)")
    }

    @Test("fixed-point numbers")
    func fixedPoint() {
        #expect(render { writeFixedPoint(18250, fractionDigits: 2, to: $0) } == "182.50")
        #expect(render { writeFixedPoint(5, fractionDigits: 2, to: $0) } == "0.05")
        #expect(render { writeFixedPoint(0, fractionDigits: 3, to: $0) } == "0.000")
        #expect(render { writeFixedPoint(1000, fractionDigits: 3, to: $0) } == "1.000")
        #expect(render { writeFixedPoint(913, fractionDigits: 3, to: $0) } == "0.913")
        #expect(render { writeFixedPoint(100_000_000_000_000, fractionDigits: 2, to: $0) } == "1000000000000.00")
    }

    @Test("JSON string literals round-trip")
    func jsonStringLiterals() throws {
        let texts = ["positive", "say \"hi\"", #"back\slash"#, "line\nbreak\ttab\r", "\u{01}\u{1F}", "naïve ✓"]
        for text in texts {
            let literal = jsonStringLiteral(text)
            let decoded = try JSONSerialization.jsonObject(with: Data(literal), options: .fragmentsAllowed)
            #expect(decoded as? String == text, "literal \(String(decoding: literal, as: UTF8.self))")
        }
        #expect(jsonStringLiteral("\u{01}") == Array(#""\u0001""#.utf8))
    }

    @Test("civil dates match Foundation's calendar")
    func civilDatesMatchFoundation() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        // From 1600-01-01, after the Gregorian reform, to 9999-12-31, in steps that hit every day of the
        // year and both sides of leap days over the run.
        var day: Int64 = -135_140
        while day <= 2_932_896 {
            let date = Date(timeIntervalSince1970: Double(day) * 86_400)
            let expected = calendar.dateComponents([.year, .month, .day], from: date)
            let actual = civilDate(daysSinceEpoch: day)
            #expect(actual.year == expected.year, "day \(day): \(actual) versus \(expected)")
            #expect(actual.month == expected.month, "day \(day): \(actual) versus \(expected)")
            #expect(actual.day == expected.day, "day \(day): \(actual) versus \(expected)")
            day += 97
        }
    }

    @Test("civil dates at boundaries")
    func civilDateBoundaries() {
        #expect(civilDate(daysSinceEpoch: 0) == (1970, 1, 1))
        #expect(civilDate(daysSinceEpoch: -1) == (1969, 12, 31))
        #expect(civilDate(daysSinceEpoch: 11_016) == (2000, 2, 29))
        #expect(civilDate(daysSinceEpoch: 11_017) == (2000, 3, 1))
        #expect(civilDate(daysSinceEpoch: 47_541) == (2100, 3, 1))  // 2100 is not a leap year.
        #expect(civilDate(daysSinceEpoch: 47_540) == (2100, 2, 28))
        #expect(civilDate(daysSinceEpoch: -719_528) == (0, 1, 1))
    }

    @Test("UTC timestamps")
    func timestamps() {
        var writer = UTCTimestampWriter()
        #expect(render(writer: &writer, 1_796_371_200_123) == "2026-12-04T08:00:00.123Z")
        #expect(render(writer: &writer, 1_796_371_200_000 + 15 * 3_600_000 + 59 * 60_000 + 59_999)
                == "2026-12-04T23:59:59.999Z")
        #expect(render(writer: &writer, 1_796_371_200_000 + 16 * 3_600_000) == "2026-12-05T00:00:00.000Z")
        #expect(render(writer: &writer, 0) == "1970-01-01T00:00:00.000Z")
        #expect(render(writer: &writer, -1) == "1969-12-31T23:59:59.999Z")
        #expect(render(writer: &writer, 253_402_300_799_999) == "9999-12-31T23:59:59.999Z")
    }

    private func render(writer: inout UTCTimestampWriter, _ milliseconds: Int64) -> String {
        var output = [UInt8](repeating: 0, count: UTCTimestampWriter.length)
        output.withUnsafeMutableBufferPointer { buffer in
            writer.write(millisecondsSinceEpoch: milliseconds, to: buffer.baseAddress!)
        }
        return String(decoding: output, as: UTF8.self)
    }

    private func render(_ write: (UnsafeMutablePointer<UInt8>) -> Int) -> String {
        var output = [UInt8](repeating: 0, count: 64)
        let count = output.withUnsafeMutableBufferPointer { write($0.baseAddress!) }
        return String(decoding: output[..<count], as: UTF8.self)
    }
}
