/// A dotted path to a value inside a JSON object, such as `prediction.score` or `outputs.0.data`.
///
/// A component of digits without a leading zero also selects that element of an array, so `outputs.0` reads
/// the first output; it still matches a key of the same digits in an object. A backslash makes a dot part of a key: `a\.b` is the
/// single key `a.b`.
public struct FieldPath: Hashable, Sendable, CustomStringConvertible {
    /// The keys from the outermost object inward, as UTF-8 bytes.
    let components: [[UInt8]]

    /// The path as written in the configuration.
    public let description: String

    /// Parses a dotted path; returns nil for an empty path or an empty component.
    public init?(_ text: String) {
        var components: [[UInt8]] = []
        var current: [UInt8] = []
        var isEscaped = false
        for byte in text.utf8 {
            if isEscaped {
                current.append(byte)
                isEscaped = false
            } else if byte == UInt8(ascii: "\\") {
                isEscaped = true
            } else if byte == UInt8(ascii: ".") {
                guard !current.isEmpty else { return nil }
                components.append(current)
                current = []
            } else {
                current.append(byte)
            }
        }
        guard !current.isEmpty, !isEscaped else { return nil }
        components.append(current)
        self.components = components
        self.description = text
    }

    /// The array index a component selects, when it is a plain decimal number.
    ///
    /// A leading zero makes the component a key only. Otherwise `x.7` and `x.07` would both select element 7,
    /// and the scanner fills only one trie node per array element.
    static func arrayIndex(of component: [UInt8]) -> Int? {
        guard !component.isEmpty, component.count <= 9 else { return nil }
        guard component.count == 1 || component[0] != UInt8(ascii: "0") else { return nil }
        var value = 0
        for byte in component {
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }
}
