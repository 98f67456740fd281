import Foundation

@testable import GraygateCore

/// A parsed JSON document, for reading the scipy reference vectors and graygate's own JSON output in tests.
enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Parses JSON text with a small recursive-descent parser.
    ///
    /// Neither Foundation reader fits here: Linux's JSONSerialization rounds some decimals to the wrong
    /// double (it reads 0.6499999999999999 as 0.6499999999999997), and a Decodable tree takes seconds on the
    /// 4 MB reference file. Numbers go through `Double(Substring)`, which rounds correctly.
    init(parsing data: Data) throws {
        var parser = TestJSONParser(bytes: Array(data))
        self = try parser.parseDocument()
    }

    subscript(key: String) -> JSONValue {
        if case .object(let object) = self, let value = object[key] { return value }
        return .null
    }

    subscript(index: Int) -> JSONValue {
        if case .array(let array) = self, array.indices.contains(index) { return array[index] }
        return .null
    }

    /// Follows a dotted path such as `comparison.latency_mann_whitney.z`.
    func at(_ path: String) -> JSONValue {
        path.split(separator: ".").reduce(self) { $0[String($1)] }
    }

    var double: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    var int: Int? { double.map { Int($0) } }

    var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    var bool: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    var array: [JSONValue] {
        if case .array(let value) = self { return value }
        return []
    }

    var object: [String: JSONValue] {
        if case .object(let value) = self { return value }
        return [:]
    }

    var isNull: Bool { self == .null }
}

/// A minimal JSON parser for test data; it accepts valid JSON and throws on anything else.
private struct TestJSONParser {
    struct SyntaxError: Error {
        var offset: Int
    }

    let bytes: [UInt8]
    var position = 0

    mutating func parseDocument() throws -> JSONValue {
        let value = try parseValue()
        skipWhitespace()
        guard position == bytes.count else { throw SyntaxError(offset: position) }
        return value
    }

    private mutating func skipWhitespace() {
        while position < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[position]) { position += 1 }
    }

    private mutating func expect(_ literal: String) throws {
        for byte in literal.utf8 {
            guard position < bytes.count, bytes[position] == byte else { throw SyntaxError(offset: position) }
            position += 1
        }
    }

    private mutating func parseValue() throws -> JSONValue {
        skipWhitespace()
        guard position < bytes.count else { throw SyntaxError(offset: position) }
        switch bytes[position] {
        case UInt8(ascii: "{"):
            position += 1
            var object: [String: JSONValue] = [:]
            skipWhitespace()
            if bytes[position] == UInt8(ascii: "}") {
                position += 1
                return .object(object)
            }
            while true {
                skipWhitespace()
                let key = try parseString()
                skipWhitespace()
                try expect(":")
                object[key] = try parseValue()
                skipWhitespace()
                if bytes[position] == UInt8(ascii: ",") {
                    position += 1
                    continue
                }
                try expect("}")
                return .object(object)
            }
        case UInt8(ascii: "["):
            position += 1
            var array: [JSONValue] = []
            skipWhitespace()
            if bytes[position] == UInt8(ascii: "]") {
                position += 1
                return .array(array)
            }
            while true {
                array.append(try parseValue())
                skipWhitespace()
                if bytes[position] == UInt8(ascii: ",") {
                    position += 1
                    continue
                }
                try expect("]")
                return .array(array)
            }
        case UInt8(ascii: "\""):
            return .string(try parseString())
        case UInt8(ascii: "t"):
            try expect("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expect("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expect("null")
            return .null
        default:
            let start = position
            while position < bytes.count, "+-.eE0123456789".utf8.contains(bytes[position]) { position += 1 }
            let text = String(decoding: bytes[start..<position], as: UTF8.self)
            guard let number = Double(text) else { throw SyntaxError(offset: start) }
            return .number(number)
        }
    }

    private mutating func parseString() throws -> String {
        try expect("\"")
        var scalars = String.UnicodeScalarView()
        var plainStart = position
        var result = ""
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                result += String(decoding: bytes[plainStart..<position], as: UTF8.self)
                position += 1
                return result
            }
            if byte == UInt8(ascii: "\\") {
                result += String(decoding: bytes[plainStart..<position], as: UTF8.self)
                let escaped = bytes[position + 1]
                position += 2
                switch escaped {
                case UInt8(ascii: "n"): result += "\n"
                case UInt8(ascii: "t"): result += "\t"
                case UInt8(ascii: "r"): result += "\r"
                case UInt8(ascii: "b"): result += "\u{08}"
                case UInt8(ascii: "f"): result += "\u{0C}"
                case UInt8(ascii: "u"):
                    let hex = String(decoding: bytes[position..<(position + 4)], as: UTF8.self)
                    position += 4
                    var code = UInt32(hex, radix: 16) ?? 0xFFFD
                    if (0xD800..<0xDC00).contains(code), position + 6 <= bytes.count, bytes[position] == UInt8(ascii: "\\") {
                        let low = UInt32(String(decoding: bytes[(position + 2)..<(position + 6)], as: UTF8.self), radix: 16) ?? 0
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        position += 6
                    }
                    scalars = String.UnicodeScalarView()
                    scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
                    result += String(scalars)
                default: result += String(decoding: [escaped], as: UTF8.self)
                }
                plainStart = position
                continue
            }
            position += 1
        }
        throw SyntaxError(offset: position)
    }
}

/// One scipy reference case: the per-request inputs of both cohorts and the expected results.
struct ReferenceVector: Sendable, CustomStringConvertible {
    struct Cohort: Sendable {
        var latency: [Double?]
        var error: [Int]
        var score: [Double?]
        var label: [String?]

        var latencySample: WeightedSample { WeightedSample(observations: latency.compactMap { $0 }) }
        var scoreSample: WeightedSample { WeightedSample(observations: score.compactMap { $0 }) }
        var errorCount: Int { error.reduce(0, +) }
    }

    let id: String
    let gray: Cohort
    let normal: Cohort
    let expected: JSONValue

    var description: String { id }
}

/// The reference vectors produced with scipy, read from the `shared/stats` folder beside the repository.
enum ReferenceVectors {
    /// The folder with `vectors.json`: `GRAYGATE_STATS_DIR` if set, else `../shared/stats` next to the package.
    static var directory: URL {
        if let override = ProcessInfo.processInfo.environment["GRAYGATE_STATS_DIR"] {
            return URL(fileURLWithPath: override)
        }
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared/stats")
    }

    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()
            .deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    static let document: JSONValue = {
        let url = directory.appendingPathComponent("vectors.json")
        guard let data = try? Data(contentsOf: url), let value = try? JSONValue(parsing: data) else {
            fatalError("Reference vectors not found or unreadable at \(url.path); set GRAYGATE_STATS_DIR")
        }
        return value
    }()

    static let all: [ReferenceVector] = document["vectors"].array.map { vector in
        ReferenceVector(
            id: vector["id"].string ?? "?",
            gray: cohort(vector.at("inputs.gray")),
            normal: cohort(vector.at("inputs.normal")),
            expected: vector["expected"]
        )
    }

    static func named(_ id: String) -> ReferenceVector {
        guard let vector = all.first(where: { $0.id == id }) else { fatalError("no reference vector '\(id)'") }
        return vector
    }

    private static func cohort(_ value: JSONValue) -> ReferenceVector.Cohort {
        ReferenceVector.Cohort(
            latency: value["latency_ms"].array.map(\.double),
            error: value["error"].array.map { $0.int ?? 0 },
            score: value["score"].array.map(\.double),
            label: value["label"].array.map(\.string)
        )
    }
}

/// Returns whether `actual` is within `relative` of `expected`, or within `absolute` for values near zero.
func isClose(_ actual: Double?, _ expected: Double?, relative: Double = 1e-9, absolute: Double = 1e-12) -> Bool {
    guard let actual, let expected else { return actual == nil && expected == nil }
    if actual == expected { return true }
    return abs(actual - expected) <= max(absolute, relative * abs(expected))
}
