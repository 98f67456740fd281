// Number and string formatting straight into a byte buffer, for the simulator's hot loop. Callers make
// sure the buffer has room: `LogSimulator` reserves its longest possible line before writing one.

private let asciiZero = UInt8(ascii: "0")

/// Writes `value` in decimal without leading zeros and returns the number of bytes written.
@inline(__always)
func writeDecimal(_ value: UInt64, to output: UnsafeMutablePointer<UInt8>) -> Int {
    var digitCount = 1
    var rest = value
    while rest >= 10 {
        rest /= 10
        digitCount += 1
    }

    var remaining = value
    var index = digitCount
    repeat {
        index -= 1
        output[index] = asciiZero + UInt8(truncatingIfNeeded: remaining % 10)
        remaining /= 10
    } while index > 0
    return digitCount
}

/// Writes `value` as exactly two decimal digits, for values 0 through 99.
@inline(__always)
func writeTwoDigits(_ value: Int, to output: UnsafeMutablePointer<UInt8>) {
    output[0] = asciiZero + UInt8(truncatingIfNeeded: value / 10)
    output[1] = asciiZero + UInt8(truncatingIfNeeded: value % 10)
}

/// Writes `scaledValue / 10^fractionDigits` with exactly `fractionDigits` decimals (1 to 18) and returns
/// the number of bytes written; `writeFixedPoint(18250, fractionDigits: 2, …)` writes `182.50`.
///
/// The caller rounds the value once when scaling it to an integer, so the text never shows binary
/// floating-point noise such as 182.49999.
@inline(__always)
func writeFixedPoint(_ scaledValue: UInt64, fractionDigits: Int, to output: UnsafeMutablePointer<UInt8>) -> Int {
    var divisor: UInt64 = 1
    for _ in 0..<fractionDigits {
        divisor &*= 10  // fractionDigits ≤ 18, so 10^18 fits in UInt64.
    }

    let integerLength = writeDecimal(scaledValue / divisor, to: output)
    output[integerLength] = UInt8(ascii: ".")

    var fraction = scaledValue % divisor
    var index = integerLength + fractionDigits
    while index > integerLength {
        output[index] = asciiZero + UInt8(truncatingIfNeeded: fraction % 10)
        fraction /= 10
        index -= 1
    }
    return integerLength + 1 + fractionDigits
}

/// Copies `bytes` to `output` and returns their count.
@inline(__always)
func writeBytes(_ bytes: [UInt8], to output: UnsafeMutablePointer<UInt8>) -> Int {
    bytes.withUnsafeBufferPointer { source in
        output.update(from: source.baseAddress!, count: source.count)  // Every fragment is non-empty.
    }
    return bytes.count
}

/// Copies the UTF-8 bytes of a string literal to `output` and returns their count.
@inline(__always)
func writeBytes(_ literal: StaticString, to output: UnsafeMutablePointer<UInt8>) -> Int {
    output.update(from: literal.utf8Start, count: literal.utf8CodeUnitCount)
    return literal.utf8CodeUnitCount
}

/// Returns `text` as the UTF-8 bytes of a JSON string literal, quotes included.
///
/// Quotation mark, reverse solidus and the control characters U+0000 to U+001F are escaped, as RFC 8259
/// requires; every other character is written as itself.
func jsonStringLiteral(_ text: String) -> [UInt8] {
    var bytes: [UInt8] = [UInt8(ascii: "\"")]
    for byte in text.utf8 {
        switch byte {
        case UInt8(ascii: "\""):
            bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
        case UInt8(ascii: "\\"):
            bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
        case UInt8(ascii: "\n"):
            bytes += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
        case UInt8(ascii: "\r"):
            bytes += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
        case UInt8(ascii: "\t"):
            bytes += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
        case 0..<0x20:
            let hexDigits = Array("0123456789abcdef".utf8)
            bytes += Array("\\u00".utf8) + [hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]]
        default:
            bytes.append(byte)
        }
    }
    bytes.append(UInt8(ascii: "\""))
    return bytes
}
