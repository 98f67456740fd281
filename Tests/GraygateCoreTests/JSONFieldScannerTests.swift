import Testing

@testable import GraygateCore

/// A scanned value with its string decoded, so it can be compared after the line's bytes are gone.
enum Captured: Equatable, Sendable, CustomStringConvertible {
    case missing
    case null
    case bool(Bool)
    case number(Double, text: String)
    case string(String, hasEscapes: Bool)
    case compound

    var description: String {
        switch self {
        case .missing: return "missing"
        case .null: return "null"
        case .bool(let value): return "\(value)"
        case .number(let value, let text): return "number \(value) from '\(text)'"
        case .string(let value, let hasEscapes): return "string \(value.debugDescription) escaped: \(hasEscapes)"
        case .compound: return "compound"
        }
    }
}

/// Scans `line` with a trie of `paths` and returns the outcome and the value found at each path.
func scanLine(_ line: [UInt8], paths: [String]) -> (outcome: JSONFieldScanner.Outcome, values: [String: Captured]) {
    var trie = PathTrie()
    var slots: [String: Int] = [:]
    for path in paths {
        guard let fieldPath = FieldPath(path) else { preconditionFailure("invalid test path '\(path)'") }
        slots[path] = trie.insert(fieldPath)
    }
    var scanner = JSONFieldScanner(trie: trie)

    return line.withUnsafeBytes { bytes in
        let outcome = scanner.scan(bytes)
        let reader = Reader(base: bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? UnsafePointer(bitPattern: 1)!,
                            count: bytes.count)
        var values: [String: Captured] = [:]
        for (path, slot) in slots {
            values[path] = capture(scanner.values[slot], reader: reader)
        }
        return (outcome, values)
    }
}

/// Converts a scanned value to a `Captured`, decoding strings and number text from the line.
func capture(_ value: ScannedValue, reader: Reader) -> Captured {
    switch value {
    case .missing: return .missing
    case .null: return .null
    case .bool(let flag): return .bool(flag)
    case .compound: return .compound
    case .number(let number, let span):
        let text = String(decoding: UnsafeBufferPointer(start: reader.base + span.start, count: span.count), as: UTF8.self)
        return .number(number, text: text)
    case .string(let span, let hasEscapes):
        let bytes = hasEscapes
            ? reader.decodeString(span)
            : Array(UnsafeBufferPointer(start: reader.base + span.start, count: span.count))
        return .string(String(decoding: bytes, as: UTF8.self), hasEscapes: hasEscapes)
    }
}

/// A valid line, the paths to scan and the value expected at each.
struct ScanCase: Sendable, CustomTestStringConvertible {
    let name: String
    let line: [UInt8]
    let expected: [String: Captured]

    var testDescription: String { name }

    init(_ name: String, _ line: String, _ expected: [String: Captured]) {
        self.name = name
        self.line = Array(line.utf8)
        self.expected = expected
    }
}

/// An invalid line and the error the scanner must report.
struct InvalidCase: Sendable, CustomTestStringConvertible {
    let name: String
    let line: [UInt8]
    let kind: JSONSyntaxError.Kind
    let column: Int

    var testDescription: String { name }

    init(_ name: String, _ line: String, _ kind: JSONSyntaxError.Kind, column: Int) {
        self.init(name, Array(line.utf8), kind, column: column)
    }

    init(_ name: String, _ line: [UInt8], _ kind: JSONSyntaxError.Kind, column: Int) {
        self.name = name
        self.line = line
        self.kind = kind
        self.column = column
    }
}

private let defaultLine = """
    {"ts":"2026-12-04T08:00:00.123Z","request_id":"req-1","cohort":"gray","model_version":"v2.1",\
    "latency_ms":182.5,"status":200,"error":null,"prediction":{"label":"positive","score":0.913}}
    """

private let validCases: [ScanCase] = [
    ScanCase("default log line", defaultLine, [
        "cohort": .string("gray", hasEscapes: false),
        "latency_ms": .number(182.5, text: "182.5"),
        "status": .number(200, text: "200"),
        "error": .null,
        "prediction.score": .number(0.913, text: "0.913"),
        "prediction.label": .string("positive", hasEscapes: false),
        "prediction": .compound,
        "ts": .string("2026-12-04T08:00:00.123Z", hasEscapes: false),
    ]),
    ScanCase("missing paths", defaultLine, [
        "user.id": .missing,
        "cohorts": .missing,
        "latency": .missing,
        "prediction.scores": .missing,
        "prediction.score.value": .missing,
        "error.code": .missing,
    ]),
    ScanCase("null values", #"{"a":null,"b":{"c":null}}"#, ["a": .null, "b.c": .null, "a.x": .missing]),
    ScanCase("booleans", #"{"t":true,"f":false}"#, ["t": .bool(true), "f": .bool(false)]),
    ScanCase(
        "nested objects skipped",
        #"{"meta":{"a":{"b":[1,{"c":"}"}],"d":"]"}},"cohort":"gray"}"#,
        ["cohort": .string("gray", hasEscapes: false), "meta.x": .missing]),
    ScanCase("skipped scalars", #"{"x":[true,false,null,-1.5e3,"s",{},[]],"a":1}"#, ["a": .number(1, text: "1")]),
    ScanCase("array index paths", #"{"outputs":[{"data":[1,2]},"second",3]}"#, [
        "outputs": .compound,
        "outputs.0": .compound,
        "outputs.0.data": .compound,
        "outputs.0.data.1": .number(2, text: "2"),
        "outputs.0.x": .missing,
        "outputs.1": .string("second", hasEscapes: false),
        "outputs.2": .number(3, text: "3"),
        "outputs.3": .missing,
    ]),
    ScanCase("digit keys in object", #"{"outputs":{"0":{"data":7},"1":"one","07":"padded"}}"#, [
        "outputs.0.data": .number(7, text: "7"),
        "outputs.1": .string("one", hasEscapes: false),
        "outputs.07": .string("padded", hasEscapes: false),
    ]),
    ScanCase("padded index in array", #"{"x":[0,1,2,3,4,5,6,"seven"]}"#, [
        "x.7": .string("seven", hasEscapes: false),
        "x.07": .missing,
    ]),
    ScanCase("empty containers", #"{"a":{},"b":[]}"#, [
        "a": .compound, "b": .compound, "a.x": .missing, "b.0": .missing,
    ]),
    ScanCase("path through scalars", #"{"status":200,"s":"str","n":null,"t":true}"#, [
        "status.code": .missing, "s.0": .missing, "n.x": .missing, "t.x": .missing,
    ]),
    ScanCase("key path into array", #"{"a":[{"b":1}]}"#, ["a.b": .missing, "a.0.b": .number(1, text: "1")]),
    ScanCase("escaped key", #"{"co\u0068ort":"gray"}"#, ["cohort": .string("gray", hasEscapes: false)]),
    ScanCase("escaped key on path", #"{"pr\u0065diction":{"sc\u006fre":0.5}}"#, [
        "prediction.score": .number(0.5, text: "0.5"),
    ]),
    ScanCase("escaped punctuation keys", #"{"a\"b":1,"x\/y":2,"caf\u00e9":3,"tab\tkey":4}"#, [
        #"a"b"#: .number(1, text: "1"),
        "x/y": .number(2, text: "2"),
        "café": .number(3, text: "3"),
        "tab\tkey": .number(4, text: "4"),
    ]),
    ScanCase("escaped key not matching", #"{"cohort\u0073":"x","c\u006fhort":"y"}"#, [
        "cohort": .string("y", hasEscapes: false),
    ]),
    ScanCase("dotted key", #"{"a.b":1,"a":{"b":2}}"#, [#"a\.b"#: .number(1, text: "1"), "a.b": .number(2, text: "2")]),
    ScanCase("string escapes", #"{"s":"a\nb\t\"q\"\\\/\u00e9\ud83d\ude00\b\f\r"}"#, [
        "s": .string("a\nb\t\"q\"\\/é😀\u{08}\u{0C}\r", hasEscapes: true),
    ]),
    ScanCase("raw UTF-8 string", #"{"s":"é😀 ü"}"#, ["s": .string("é😀 ü", hasEscapes: false)]),
    ScanCase("duplicate key last wins", #"{"a":1,"a":2}"#, ["a": .number(2, text: "2")]),
    ScanCase("object replaced by null", #"{"p":{"s":1,"t":2},"p":null}"#, [
        "p": .null, "p.s": .missing, "p.t": .missing,
    ]),
    ScanCase("null replaced by object", #"{"p":null,"p":{"s":3}}"#, ["p": .compound, "p.s": .number(3, text: "3")]),
    ScanCase("objects not merged", #"{"p":{"s":1},"p":{"t":2}}"#, ["p.s": .missing, "p.t": .number(2, text: "2")]),
    ScanCase("array replaced by array", #"{"o":[1,2],"o":[3]}"#, ["o.0": .number(3, text: "3"), "o.1": .missing]),
    ScanCase("nested duplicate key", #"{"p":{"s":1,"s":"two"}}"#, ["p.s": .string("two", hasEscapes: false)]),
    ScanCase("whitespace everywhere", " \t{ \"a\" : [ 1 , { \"b\" : 2 } ] ,\n\"c\"\r:\t\"d\" } \r", [
        "a.0": .number(1, text: "1"),
        "a.1.b": .number(2, text: "2"),
        "c": .string("d", hasEscapes: false),
    ]),
    ScanCase("CR before end", "{\"a\":1}\r", ["a": .number(1, text: "1")]),
    ScanCase("empty key", #"{"":1,"a":2}"#, ["a": .number(2, text: "2")]),
    ScanCase("empty object", "{}", ["a": .missing]),
    ScanCase("empty string value", #"{"a":""}"#, ["a": .string("", hasEscapes: false)]),
    ScanCase("NUL escape in string", #"{"a":"x\u0000y"}"#, ["a": .string("x\u{0}y", hasEscapes: true)]),
    ScanCase("path and its parent", #"{"p":{"s":0.25}}"#, ["p": .compound, "p.s": .number(0.25, text: "0.25")]),
    ScanCase("DEL byte allowed", "{\"a\":\"\u{7F}\"}", ["a": .string("\u{7F}", hasEscapes: false)]),
]

private let invalidCases: [InvalidCase] = [
    InvalidCase("not JSON", "{not json", .unexpectedCharacter, column: 2),
    InvalidCase("top-level array", "[1,2,3]", .notAnObject, column: 1),
    InvalidCase("top-level string", #""text""#, .notAnObject, column: 1),
    InvalidCase("top-level number", "  42", .notAnObject, column: 3),
    InvalidCase("broken top-level array", "[1,2", .unexpectedEnd, column: 5),
    InvalidCase("trailing characters", #"{"a":1}x"#, .trailingCharacters, column: 8),
    InvalidCase("two objects", #"{"a":1} {"b":2}"#, .trailingCharacters, column: 9),
    InvalidCase("extra closing brace", #"{"a":1}}"#, .trailingCharacters, column: 8),
    InvalidCase("leading zero", #"{"a":01}"#, .invalidNumber, column: 7),
    InvalidCase("fraction without digits", #"{"a":1.}"#, .invalidNumber, column: 8),
    InvalidCase("fraction without integer", #"{"a":.5}"#, .unexpectedCharacter, column: 6),
    InvalidCase("lone minus", #"{"a":-}"#, .invalidNumber, column: 7),
    InvalidCase("exponent without digits", #"{"a":1e}"#, .invalidNumber, column: 8),
    InvalidCase("signed exponent without digits", #"{"a":1e+}"#, .invalidNumber, column: 9),
    InvalidCase("plus sign", #"{"a":+1}"#, .unexpectedCharacter, column: 6),
    InvalidCase("NaN", #"{"a":NaN}"#, .unexpectedCharacter, column: 6),
    InvalidCase("misspelled literal", #"{"a":tru}"#, .invalidLiteral, column: 6),
    InvalidCase("capitalised literal", #"{"a":True}"#, .unexpectedCharacter, column: 6),
    InvalidCase("literal cut at end", #"{"a":nul"#, .unexpectedEnd, column: 6),
    InvalidCase("unterminated string", #"{"a":"abc"#, .unexpectedEnd, column: 10),
    InvalidCase("unterminated key", #"{"ab"#, .unexpectedEnd, column: 5),
    InvalidCase("raw tab in string", Array("{\"a\":\"x\ty\"}".utf8), .controlCharacterInString, column: 8),
    InvalidCase("raw unit separator", [0x7B, 0x22, 0x1F, 0x22, 0x3A, 0x31, 0x7D], .controlCharacterInString, column: 3),
    InvalidCase("bad escape", #"{"a":"\x"}"#, .invalidEscape, column: 8),
    InvalidCase("short unicode escape", #"{"a":"\u12"}"#, .invalidEscape, column: 11),
    InvalidCase("unicode escape at end", #"{"a":"\u12"#, .unexpectedEnd, column: 8),
    InvalidCase("non-hex unicode escape", #"{"a":"\uZZZZ"}"#, .invalidEscape, column: 9),
    InvalidCase("backslash at end", #"{"a":"\"#, .unexpectedEnd, column: 8),
    InvalidCase("missing comma", #"{"a":1 "b":2}"#, .unexpectedCharacter, column: 8),
    InvalidCase("trailing comma", #"{"a":1,}"#, .unexpectedCharacter, column: 8),
    InvalidCase("double comma", #"{"a":1,,"b":2}"#, .unexpectedCharacter, column: 8),
    InvalidCase("missing colon", #"{"a" 1}"#, .unexpectedCharacter, column: 6),
    InvalidCase("missing value", #"{"a":}"#, .unexpectedCharacter, column: 6),
    InvalidCase("unquoted key", "{a:1}", .unexpectedCharacter, column: 2),
    InvalidCase("single-quoted key", "{'a':1}", .unexpectedCharacter, column: 2),
    InvalidCase("open brace only", "{", .unexpectedEnd, column: 2),
    InvalidCase("unclosed object", #"{"a":1"#, .unexpectedEnd, column: 7),
    InvalidCase("unclosed object after comma", #"{"a":1,"#, .unexpectedEnd, column: 8),
    InvalidCase("mismatched bracket", #"{"a":[1,2}"#, .unexpectedCharacter, column: 10),
    InvalidCase("trailing comma in array", #"{"a":[1,]}"#, .unexpectedCharacter, column: 9),
    InvalidCase("invalid nested number", #"{"a":{"b":01}}"#, .invalidNumber, column: 12),
    InvalidCase("invalid skipped number", #"{"skip":{"x":01},"a":1}"#, .invalidNumber, column: 15),
    InvalidCase("invalid after mapped value", #"{"a":1,"b":[1 2]}"#, .unexpectedCharacter, column: 15),
]

/// Path sets for the invalid lines: with none, every value is skipped; with these, the walker descends.
private let invalidPathSets: [[String]] = [[], ["a", "a.b", "a.0", "a.1", "skip.x", "b.0"]]

private let blankLines: [[UInt8]] = [[], [0x20], [0x20, 0x20, 0x20], [0x09, 0x09], [0x0D], [0x20, 0x09, 0x0D, 0x20]]

private let numberTexts = [
    "0", "-0", "1", "-1", "200", "182.5", "0.913", "-0.0", "0e5", "-0e-5",
    "1e3", "1E3", "1e+3", "1e-3", "-1.5e-7", "123.456e-5", "0.000001", "0.1", "0.2", "0.3",
    "9007199254740992", "9007199254740993", "-9007199254740993",
    "123456789012345678", "1234567890123456789", "12345678901234567890", "18446744073709551615",
    "18446744073709551616", "123456789012345678901234567890",
    "1e22", "1e23", "1.5e22", "123456789e-22", "9.999999999999999e22", "0.0000000000000000000000000001",
    "1e308", "1.7976931348623157e308", "1.7976931348623158e308", "1.7976931348623159e308",
    "1e309", "-1e309", "1e99999999999",
    "5e-324", "4.9406564584124654e-324", "2.4703282292062327e-324", "2.4703282292062328e-324", "1e-400",
    "2.2250738585072011e-308", "2.2250738585072012e-308", "2.2250738585072014e-308",
    "0.30000000000000004441", "8.98846567431158e307",
    "1.00000000000000011102230246251565404236316680908203125",
    "1.00000000000000011102230246251565404236316680908203124",
    "1.00000000000000011102230246251565404236316680908203126",
    "7.2057594037927933e16", "3.0517578125e-5", "100000000000000000000000", "0.1e1", "10.0e-1",
]

private let decodeCases: [(escaped: String, bytes: [UInt8])] = [
    (#"\ud83d\ude00"#, [0xF0, 0x9F, 0x98, 0x80]),
    (#"\uD83D\uDE00"#, [0xF0, 0x9F, 0x98, 0x80]),
    (#"\udbff\udfff"#, [0xF4, 0x8F, 0xBF, 0xBF]),
    (#"\ud800\udc00"#, [0xF0, 0x90, 0x80, 0x80]),
    (#"\ud800"#, [0xEF, 0xBF, 0xBD]),
    (#"\udc00"#, [0xEF, 0xBF, 0xBD]),
    (#"a\ud83d"#, [0x61, 0xEF, 0xBF, 0xBD]),
    (#"\ud800\u0041"#, [0xEF, 0xBF, 0xBD, 0x41]),
    (#"\ud800x"#, [0xEF, 0xBF, 0xBD, 0x78]),
    (#"\ud83d\n"#, [0xEF, 0xBF, 0xBD, 0x0A]),
    (#"\ud800\ud800\udc00"#, [0xEF, 0xBF, 0xBD, 0xF0, 0x90, 0x80, 0x80]),
    (#"\udc00\ud800"#, [0xEF, 0xBF, 0xBD, 0xEF, 0xBF, 0xBD]),
    (#"\u0000"#, [0x00]),
    (#"\u00e9"#, [0xC3, 0xA9]),
    (#"\u20AC"#, [0xE2, 0x82, 0xAC]),
    (#"\uFFFF"#, [0xEF, 0xBF, 0xBF]),
    (#"\b\f\n\r\t\"\\\/"#, [0x08, 0x0C, 0x0A, 0x0D, 0x09, 0x22, 0x5C, 0x2F]),
    (#"é\u00e9"#, [0xC3, 0xA9, 0xC3, 0xA9]),
]

/// Builds a line of `depth` nested objects, `{"a":{"a":...1...}}`.
private func nestedObjects(depth: Int) -> [UInt8] {
    Array((String(repeating: #"{"a":"#, count: depth) + "1" + String(repeating: "}", count: depth)).utf8)
}

@Suite("JSONFieldScanner")
struct JSONFieldScannerTests {
    @Test("scanner captures values", arguments: validCases)
    func scannerCapturesValues(testCase: ScanCase) {
        let (outcome, values) = scanLine(testCase.line, paths: Array(testCase.expected.keys))

        #expect(outcome == .object)
        for (path, expected) in testCase.expected {
            #expect(values[path] == expected, "path \(path)")
        }
    }

    @Test("scanner rejects invalid", arguments: invalidCases, invalidPathSets)
    func scannerRejectsInvalid(testCase: InvalidCase, paths: [String]) {
        let (outcome, _) = scanLine(testCase.line, paths: paths)

        #expect(outcome == .invalid(JSONSyntaxError(kind: testCase.kind, column: testCase.column)))
    }

    @Test("scanner blank lines", arguments: blankLines)
    func scannerBlankLines(line: [UInt8]) {
        let (outcome, values) = scanLine(line, paths: ["a"])

        #expect(outcome == .blank)
        #expect(values["a"] == .missing)
    }

    @Test("scanner number parsing", arguments: numberTexts)
    func scannerNumberParsing(text: String) throws {
        // Swift's Double(String) on the same text is the oracle for both the fast path and strtod.
        let expected = try #require(Double(text))
        let (outcome, values) = scanLine(Array(#"{"n":\#(text),"m":[\#(text)]}"#.utf8), paths: ["n", "m.0"])

        #expect(outcome == .object)
        guard case .number(let value, let capturedText) = values["n"] else {
            Issue.record("no number at n: \(String(describing: values["n"]))")
            return
        }
        #expect(value.bitPattern == expected.bitPattern, "\(value) != \(expected)")
        #expect(capturedText == text)
        #expect(values["m.0"] == values["n"])
    }

    @Test("scanner skips numbers", arguments: numberTexts)
    func scannerSkipsNumbers(text: String) {
        let (outcome, values) = scanLine(Array(#"{"n":\#(text),"a":true}"#.utf8), paths: ["a"])

        #expect(outcome == .object)
        #expect(values["a"] == .bool(true))
    }

    @Test("scanner raw spans")
    func scannerRawSpans() throws {
        var trie = PathTrie()
        let cohort = trie.insert(try #require(FieldPath("cohort")))
        let number = trie.insert(try #require(FieldPath("n")))
        var scanner = JSONFieldScanner(trie: trie)
        let line = Array(#"{"cohort":"gray","n":-1.5}"#.utf8)
        let outcome = line.withUnsafeBytes { scanner.scan($0) }

        #expect(outcome == .object)
        #expect(scanner.values[cohort] == .string(ByteSpan(start: 11, count: 4), hasEscapes: false))
        #expect(scanner.values[number] == .number(-1.5, text: ByteSpan(start: 21, count: 4)))
    }

    @Test("scanner resets between lines")
    func scannerResetsBetweenLines() throws {
        var trie = PathTrie()
        let slot = trie.insert(try #require(FieldPath("a")))
        var scanner = JSONFieldScanner(trie: trie)
        let first = Array(#"{"a":1}"#.utf8)
        let second = Array(#"{"b":1}"#.utf8)
        _ = first.withUnsafeBytes { scanner.scan($0) }
        let outcome = second.withUnsafeBytes { scanner.scan($0) }

        #expect(outcome == .object)
        #expect(scanner.values[slot] == .missing)
    }

    @Test("scanner negative zero")
    func scannerNegativeZero() {
        let (_, values) = scanLine(Array(#"{"a":-0,"b":-0.0e3}"#.utf8), paths: ["a", "b"])
        guard case .number(let a, _) = values["a"], case .number(let b, _) = values["b"] else {
            Issue.record("numbers missing: \(values)")
            return
        }

        #expect(a == 0)
        #expect(a.sign == .minus)
        #expect(b.sign == .minus)
    }

    @Test("reader decodes escapes", arguments: zip(decodeCases.map(\.escaped), decodeCases.map(\.bytes)))
    func readerDecodesEscapes(escaped: String, bytes expected: [UInt8]) throws {
        let line = Array(#"{"s":"\#(escaped)"}"#.utf8)
        var trie = PathTrie()
        let slot = trie.insert(try #require(FieldPath("s")))
        var scanner = JSONFieldScanner(trie: trie)

        let decoded = line.withUnsafeBytes { bytes -> [UInt8]? in
            guard scanner.scan(bytes) == .object, case .string(let span, _) = scanner.values[slot] else { return nil }
            let reader = Reader(base: bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), count: bytes.count)
            return reader.decodeString(span)
        }
        #expect(decoded == expected)
    }

    @Test("nesting limit objects", arguments: [[], ["a"], [Array(repeating: "a", count: 600).joined(separator: ".")]])
    func nestingLimitObjects(paths: [String]) {
        // The top-level object is level 1, so 512 objects nest to the limit and a 513th goes past it.
        let (accepted, _) = scanLine(nestedObjects(depth: JSONFieldScanner.maxDepth), paths: paths)
        let (rejected, _) = scanLine(nestedObjects(depth: JSONFieldScanner.maxDepth + 1), paths: paths)

        #expect(accepted == .object)
        guard case .invalid(let error) = rejected else {
            Issue.record("513 levels accepted: \(rejected)")
            return
        }
        #expect(error.kind == .nestingTooDeep)
    }

    @Test("nesting limit arrays", arguments: [[], ["a"], ["a.0.0.0"]])
    func nestingLimitArrays(paths: [String]) {
        func line(arrays: Int) -> [UInt8] {
            Array(("{\"a\":" + String(repeating: "[", count: arrays) + String(repeating: "]", count: arrays) + "}").utf8)
        }
        let (accepted, _) = scanLine(line(arrays: JSONFieldScanner.maxDepth - 1), paths: paths)
        let (rejected, _) = scanLine(line(arrays: JSONFieldScanner.maxDepth), paths: paths)

        #expect(accepted == .object)
        #expect(rejected == .invalid(JSONSyntaxError(kind: .nestingTooDeep, column: 6 + JSONFieldScanner.maxDepth - 1)))
    }

    @Test("nesting limit top-level array")
    func nestingLimitTopLevelArray() {
        let (outcome, _) = scanLine(Array(repeating: UInt8(ascii: "["), count: 600), paths: [])

        #expect(outcome == .invalid(JSONSyntaxError(kind: .nestingTooDeep, column: JSONFieldScanner.maxDepth + 1)))
    }
}
