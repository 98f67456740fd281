import Foundation

/// A JSON value built for output, with object keys in the order they are written.
///
/// Report rendering builds this tree by hand rather than through `Codable`, so every optional figure is
/// written as an explicit `null` and no NaN or infinity can reach the output.
indirect enum JSONOutput: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case integer(Int)
    case string(String)
    case array([JSONOutput])
    case object([(String, JSONOutput)])

    static func == (lhs: JSONOutput, rhs: JSONOutput) -> Bool {
        lhs.serialized() == rhs.serialized()
    }

    /// Makes a number, or null when the value is nil or not finite.
    static func number(_ value: Double?) -> JSONOutput {
        guard let value, value.isFinite else { return .null }
        return .number(value)
    }

    static func string(_ value: String?) -> JSONOutput {
        value.map { .string($0) } ?? .null
    }

    /// Serializes the value with two-space indentation, or on one line when `pretty` is false.
    func serialized(pretty: Bool = true) -> String {
        var output = ""
        write(into: &output, indent: pretty ? 0 : -1)
        return output
    }

    private func write(into output: inout String, indent: Int) {
        let pretty = indent >= 0
        let inner = pretty ? String(repeating: "  ", count: indent + 1) : ""
        let closing = pretty ? String(repeating: "  ", count: indent) : ""
        switch self {
        case .null:
            output += "null"
        case .bool(let value):
            output += value ? "true" : "false"
        case .integer(let value):
            output += String(value)
        case .number(let value):
            output += Self.format(value)
        case .string(let value):
            Self.writeString(value, into: &output)
        case .array(let items):
            if items.isEmpty {
                output += "[]"
                return
            }
            output += pretty ? "[\n" : "["
            for (index, item) in items.enumerated() {
                output += inner
                item.write(into: &output, indent: pretty ? indent + 1 : -1)
                if index < items.count - 1 { output += "," }
                if pretty { output += "\n" }
            }
            output += closing + "]"
        case .object(let fields):
            if fields.isEmpty {
                output += "{}"
                return
            }
            output += pretty ? "{\n" : "{"
            for (index, field) in fields.enumerated() {
                output += inner
                Self.writeString(field.0, into: &output)
                output += pretty ? ": " : ":"
                field.1.write(into: &output, indent: pretty ? indent + 1 : -1)
                if index < fields.count - 1 { output += "," }
                if pretty { output += "\n" }
            }
            output += closing + "}"
        }
    }

    /// Formats a finite double with the shortest text that reads back to the same value.
    private static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 {
            return String(Int64(value))
        }
        return "\(value)"  // Swift prints the shortest round-tripping form, such as 0.1 or 1e-05.
    }

    private static func writeString(_ value: String, into output: inout String) {
        output += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20:
                output += String(format: "\\u%04x", scalar.value)
            default:
                output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }
}
