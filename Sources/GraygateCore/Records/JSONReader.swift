import Glibc

/// A cursor over the bytes of one line, with the JSON grammar's scanning steps.
struct Reader {
    let base: UnsafePointer<UInt8>
    let count: Int
    var position = 0

    init(base: UnsafePointer<UInt8>, count: Int) {
        self.base = base
        self.count = count
    }

    var isAtEnd: Bool { position >= count }

    @inline(__always)
    func peek() -> UInt8? {
        position < count ? base[position] : nil
    }

    func error(_ kind: JSONSyntaxError.Kind) -> JSONSyntaxError {
        JSONSyntaxError(kind: kind, column: min(position, count) + 1)
    }

    /// Skips the four whitespace bytes JSON allows: space, tab, line feed and carriage return.
    @inline(__always)
    mutating func skipWhitespace() {
        while position < count {
            let byte = base[position]
            guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return }
            position += 1
        }
    }

    // MARK: - Strings

    /// Scans a string starting at its opening quote; returns the span between the quotes.
    ///
    /// Eight bytes are tested at a time for the three bytes that end the fast path: a quote, a backslash,
    /// or a control byte below 0x20, which JSON forbids unescaped. Most keys and values have none of them
    /// until the closing quote.
    mutating func scanString() throws(JSONSyntaxError) -> (ByteSpan, hasEscapes: Bool) {
        position += 1  // The opening quote.
        let start = position
        var hasEscapes = false
        while true {
            while position + 8 <= count {
                let word = UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self)
                let special = Self.bytesEqual(word, 0x22) | Self.bytesEqual(word, 0x5C) | Self.bytesBelow(word, 0x20)
                if special == 0 {
                    position += 8
                    continue
                }
                // The lowest flagged byte is exact; borrows can only flag bytes above a real match.
                position += special.trailingZeroBitCount / 8
                break
            }
            guard position < count else { throw error(.unexpectedEnd) }
            let byte = base[position]
            if byte == UInt8(ascii: "\"") {
                let span = ByteSpan(start: start, count: position - start)
                position += 1
                return (span, hasEscapes)
            }
            if byte == UInt8(ascii: "\\") {
                hasEscapes = true
                try skipEscape()
                continue
            }
            if byte < 0x20 { throw error(.controlCharacterInString) }
            position += 1
        }
    }

    private static let lowBits: UInt64 = 0x0101_0101_0101_0101
    private static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// Returns a word with the high bit set in (at least) the lowest byte of `word` equal to `byte`.
    @inline(__always)
    private static func bytesEqual(_ word: UInt64, _ byte: UInt8) -> UInt64 {
        let difference = word ^ (lowBits &* UInt64(byte))
        return (difference &- lowBits) & ~difference & highBits
    }

    /// Returns a word with the high bit set in (at least) the lowest byte of `word` below `limit` (≤ 0x80).
    @inline(__always)
    private static func bytesBelow(_ word: UInt64, _ limit: UInt8) -> UInt64 {
        (word &- lowBits &* UInt64(limit)) & ~word & highBits
    }

    /// Validates one escape sequence starting at its backslash.
    private mutating func skipEscape() throws(JSONSyntaxError) {
        position += 1
        guard let byte = peek() else { throw error(.unexpectedEnd) }
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
             UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            position += 1
        case UInt8(ascii: "u"):
            guard position + 4 < count else { throw error(.unexpectedEnd) }
            for offset in 1...4 where Self.hexValue(base[position + offset]) == nil {
                position += offset
                throw error(.invalidEscape)
            }
            position += 5
        default:
            throw error(.invalidEscape)
        }
    }

    private static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    /// Decodes the escapes of an already validated string span into UTF-8 bytes.
    ///
    /// A `\u` escape of an unpaired surrogate becomes U+FFFD, as most JSON decoders do.
    func decodeString(_ span: ByteSpan) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(span.count)
        decodeString(span, appendingTo: &output)
        return output
    }

    /// Decodes the escapes of an already validated string span, appending the UTF-8 bytes to `output`.
    func decodeString(_ span: ByteSpan, appendingTo output: inout [UInt8]) {
        var index = span.start
        let end = span.start + span.count
        while index < end {
            // Copies the run up to the next backslash at once rather than byte by byte.
            let runEnd = memchr(base + index, Int32(UInt8(ascii: "\\")), end - index)
                .map { UnsafeRawPointer($0) - UnsafeRawPointer(base) } ?? end
            if runEnd > index {
                output.append(contentsOf: UnsafeBufferPointer(start: base + index, count: runEnd - index))
                index = runEnd
                continue
            }
            let escaped = base[index + 1]
            index += 2
            switch escaped {
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = readHex4(at: index)
                index += 4
                if (0xD800..<0xDC00).contains(scalar), index + 5 < end + 1, base[index] == UInt8(ascii: "\\"),
                   base[index + 1] == UInt8(ascii: "u") {
                    let low = readHex4(at: index + 2)
                    if (0xDC00..<0xE000).contains(low) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        index += 6
                    }
                }
                appendUTF8(Unicode.Scalar(scalar) ?? "\u{FFFD}", to: &output)
            default:
                output.append(escaped)  // The quote, backslash and slash stand for themselves.
            }
        }
    }

    private func readHex4(at index: Int) -> UInt32 {
        var value: UInt32 = 0
        for offset in 0..<4 {
            value = value << 4 | (Self.hexValue(base[index + offset]) ?? 0)
        }
        return value
    }

    private func appendUTF8(_ scalar: Unicode.Scalar, to output: inout [UInt8]) {
        output.append(contentsOf: UTF8.encode(scalar)!)  // Safe: every Unicode.Scalar has a UTF-8 encoding.
    }

    // MARK: - Scalars and skipping

    /// Scans a string, number or literal at the cursor.
    mutating func scanScalar() throws(JSONSyntaxError) -> ScannedValue {
        guard let byte = peek() else { throw error(.unexpectedEnd) }
        switch byte {
        case UInt8(ascii: "\""):
            let (span, hasEscapes) = try scanString()
            return .string(span, hasEscapes: hasEscapes)
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let start = position
            let value = try scanNumber()
            return .number(value, text: ByteSpan(start: start, count: position - start))
        default:
            throw error(.unexpectedCharacter)
        }
    }

    /// Skips any JSON value, validating it, without storing anything.
    mutating func skipValue(depth: Int) throws(JSONSyntaxError) {
        guard let byte = peek() else { throw error(.unexpectedEnd) }
        switch byte {
        case UInt8(ascii: "{"):
            try skipContainer(closing: UInt8(ascii: "}"), isObject: true, depth: depth)
        case UInt8(ascii: "["):
            try skipContainer(closing: UInt8(ascii: "]"), isObject: false, depth: depth)
        case UInt8(ascii: "\""):
            _ = try scanString()
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            try skipNumber()
        default:
            _ = try scanScalar()
        }
    }

    private mutating func skipContainer(closing: UInt8, isObject: Bool, depth: Int) throws(JSONSyntaxError) {
        guard depth <= JSONFieldScanner.maxDepth else { throw error(.nestingTooDeep) }
        position += 1
        skipWhitespace()
        if peek() == closing {
            position += 1
            return
        }
        while true {
            if isObject {
                guard peek() == UInt8(ascii: "\"") else { throw error(isAtEnd ? .unexpectedEnd : .unexpectedCharacter) }
                _ = try scanString()
                skipWhitespace()
                guard peek() == UInt8(ascii: ":") else { throw error(isAtEnd ? .unexpectedEnd : .unexpectedCharacter) }
                position += 1
                skipWhitespace()
            }
            try skipValue(depth: depth + 1)
            skipWhitespace()
            guard let next = peek() else { throw error(.unexpectedEnd) }
            if next == UInt8(ascii: ",") {
                position += 1
                skipWhitespace()
                continue
            }
            if next == closing {
                position += 1
                return
            }
            throw error(.unexpectedCharacter)
        }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONSyntaxError) {
        let length = literal.utf8CodeUnitCount
        guard position + length <= count else { throw error(.unexpectedEnd) }
        guard memcmp(base + position, literal.utf8Start, length) == 0 else { throw error(.invalidLiteral) }
        position += length
    }

    // MARK: - Numbers

    /// Validates a number's grammar and moves past it.
    private mutating func skipNumber() throws(JSONSyntaxError) {
        _ = try scanNumber(parse: false)
    }

    /// Scans a number and returns the nearest `Double`.
    ///
    /// Up to 19 significant digits with a decimal exponent of at most 22 take Clinger's exact fast path: the
    /// digits fit a `UInt64`, and when they also fit the 53-bit significand, one multiplication or division
    /// by an exact power of ten rounds correctly. Other numbers go to `strtod`, which rounds correctly too.
    mutating func scanNumber(parse: Bool = true) throws(JSONSyntaxError) -> Double {
        let start = position
        var isNegative = false
        if base[position] == UInt8(ascii: "-") {
            isNegative = true
            position += 1
        }

        var significand: UInt64 = 0
        var significantDigits = 0
        var exponent = 0
        var isExact = true

        guard position < count, isDigit(base[position]) else { throw error(.invalidNumber) }
        if base[position] == UInt8(ascii: "0") {
            position += 1
            if position < count && isDigit(base[position]) { throw error(.invalidNumber) }  // No leading zeros.
        } else {
            while position < count && isDigit(base[position]) {
                accumulate(base[position], into: &significand, digits: &significantDigits, exponent: &exponent,
                           isExact: &isExact, isFraction: false)
                position += 1
            }
        }

        if position < count && base[position] == UInt8(ascii: ".") {
            position += 1
            guard position < count && isDigit(base[position]) else { throw error(.invalidNumber) }
            while position < count && isDigit(base[position]) {
                accumulate(base[position], into: &significand, digits: &significantDigits, exponent: &exponent,
                           isExact: &isExact, isFraction: true)
                position += 1
            }
        }

        if position < count && (base[position] == UInt8(ascii: "e") || base[position] == UInt8(ascii: "E")) {
            position += 1
            var exponentSign = 1
            if position < count && (base[position] == UInt8(ascii: "+") || base[position] == UInt8(ascii: "-")) {
                if base[position] == UInt8(ascii: "-") { exponentSign = -1 }
                position += 1
            }
            guard position < count && isDigit(base[position]) else { throw error(.invalidNumber) }
            var written = 0
            while position < count && isDigit(base[position]) {
                // Saturates: an exponent past 10^6 already means zero or infinity.
                if written < 1_000_000 { written = written * 10 + Int(base[position] - UInt8(ascii: "0")) }
                position += 1
            }
            exponent += exponentSign * written
        }

        guard parse else { return 0 }

        if isExact && significand <= 1 << 53 && exponent >= -22 && exponent <= 22 {
            var value = Double(significand)
            if exponent < 0 {
                value /= Self.powersOfTen[-exponent]
            } else {
                value *= Self.powersOfTen[exponent]
            }
            return isNegative ? -value : value
        }
        return parseWithStrtod(from: start, to: position)
    }

    @inline(__always)
    private func isDigit(_ byte: UInt8) -> Bool {
        byte &- UInt8(ascii: "0") < 10
    }

    @inline(__always)
    private func accumulate(_ byte: UInt8, into significand: inout UInt64, digits: inout Int, exponent: inout Int,
                            isExact: inout Bool, isFraction: Bool) {
        let digit = UInt64(byte - UInt8(ascii: "0"))
        if digits == 0 && digit == 0 {
            // Leading zeros add no significant digit; in a fraction they still shift the exponent.
            if isFraction { exponent -= 1 }
            return
        }
        if digits < 19 {
            significand = significand * 10 + digit
            digits += 1
            if isFraction { exponent -= 1 }
        } else {
            // Digits beyond 19 do not fit; the fast path no longer applies, strtod reads the text instead.
            isExact = false
            if !isFraction { exponent += 1 }
        }
    }

    // NOTE: strtod takes its decimal point from LC_NUMERIC. Swift programs start in the C locale, and nothing in
    // graygate or Foundation calls setlocale, but a call to setlocale(LC_ALL, "") would break this path.
    private func parseWithStrtod(from start: Int, to end: Int) -> Double {
        let length = end - start
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: length + 1) { buffer in
            UnsafeMutableRawPointer(buffer.baseAddress!).copyMemory(from: base + start, byteCount: length)
            buffer[length] = 0
            return strtod(buffer.baseAddress!, nil)
        }
    }

    private static let powersOfTen: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }  // Exact: every power up to 10^22 is representable.
        return value
    }
}
