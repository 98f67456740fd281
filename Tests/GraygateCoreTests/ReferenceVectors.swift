import Foundation

@testable import GraygateCore

/// A parsed JSON document, for reading the scipy reference vectors and graygate's own JSON output in tests.
enum JSONValue: Sendable, Equatable, Decodable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(parsing data: Data) throws {
        self = try JSONDecoder().decode(JSONValue.self, from: data)
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

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
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
