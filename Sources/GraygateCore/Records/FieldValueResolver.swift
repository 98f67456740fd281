import Foundation

/// A field's value after its `ValueTransform`, copied out of the line.
enum ResolvedValue: Equatable {
    case missing
    case null
    case bool(Bool)
    /// A JSON number with its text, which cohort and category values use as written.
    case number(Double, text: [UInt8])
    /// A string, unescaped.
    case text([UInt8])
    case compound
}

/// Applies a field's `ValueTransform` to the value the scanner found at the field's path.
///
/// Only fields with a transform pay for it: the copy of the value, a second scan for JSON inside a
/// string, and the regular expression.
struct FieldValueResolver {
    let transform: ValueTransform
    private var embeddedScanner: JSONFieldScanner?
    private let regex: NSRegularExpression?

    /// - Precondition: a regular expression in `transform` compiles; the configuration loader checks it.
    init(_ transform: ValueTransform) {
        self.transform = transform
        if let path = transform.embeddedPath {
            var trie = PathTrie()
            _ = trie.insert(path)
            embeddedScanner = JSONFieldScanner(trie: trie)
        }
        if case .regex(let pattern, _) = transform.extraction {
            regex = try? NSRegularExpression(pattern: pattern)
        } else {
            regex = nil
        }
    }

    /// Applies the transform to `value`, the value at the field's path.
    ///
    /// - Parameter inPlace: the value at the field's path followed by `embeddedPath`, read when the field
    ///   is an object rather than a string, because the same payload is JSON inside a string in some lines
    ///   and written in place in others (a CloudEvent's `data`, depending on the sink).
    mutating func resolve(_ value: ScannedValue, line: UnsafeRawBufferPointer, inPlace: ScannedValue = .missing) -> ResolvedValue {
        var resolved = Self.copy(value, from: line)
        if var scanner = embeddedScanner {
            switch resolved {
            case .text(let text):
                resolved = text.withUnsafeBytes { bytes in
                    scanner.scan(bytes) == .object ? Self.copy(scanner.values[0], from: bytes) : .missing
                }
                embeddedScanner = scanner
            case .compound:
                resolved = Self.copy(inPlace, from: line)
            default:
                return .missing
            }
        }
        if let extraction = transform.extraction {
            let text: [UInt8]
            switch resolved {
            case .text(let bytes), .number(_, let bytes): text = bytes
            default: return .missing
            }
            guard let part = extract(extraction, from: text) else { return .missing }
            resolved = .text(part)
        }
        return resolved
    }

    private func extract(_ extraction: ValueTransform.Extraction, from text: [UInt8]) -> [UInt8]? {
        switch extraction {
        case .split(let separator, let index):
            let parts = String(decoding: text, as: UTF8.self).components(separatedBy: separator)
            let position = index >= 0 ? index : parts.count + index
            guard parts.indices.contains(position) else { return nil }
            return Array(parts[position].utf8)
        case .regex(_, let group):
            guard let regex else { return nil }
            let string = String(decoding: text, as: UTF8.self)
            let range = NSRange(string.startIndex..., in: string)
            guard let match = regex.firstMatch(in: string, range: range), group < match.numberOfRanges,
                  let captured = Range(match.range(at: group), in: string)
            else { return nil }
            return Array(string[captured].utf8)
        }
    }

    /// Copies a scanned value out of `line`, unescaping strings.
    static func copy(_ value: ScannedValue, from line: UnsafeRawBufferPointer) -> ResolvedValue {
        switch value {
        case .missing: return .missing
        case .null: return .null
        case .bool(let flag): return .bool(flag)
        case .compound: return .compound
        case .number(let number, let span):
            return .number(number, text: Array(line[span.start..<(span.start + span.count)]))
        case .string(let span, let hasEscapes):
            guard hasEscapes else { return .text(Array(line[span.start..<(span.start + span.count)])) }
            // Safe: a string value lies inside a line that is not empty.
            let base = line.baseAddress!.assumingMemoryBound(to: UInt8.self)
            return .text(Reader(base: base, count: line.count).decodeString(span))
        }
    }
}
