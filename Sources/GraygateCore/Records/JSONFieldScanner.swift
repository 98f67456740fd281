import Glibc

/// Scans one JSON-lines record and captures only the values at the configured paths.
///
/// The scanner never builds a tree. It walks the bytes once, descends only into keys on a configured path,
/// and skips every other value while still validating it. So a line is accepted only if the whole line is
/// valid JSON (RFC 8259) with an object at the top. Numbers on a path are parsed from their bytes; strings
/// are kept as spans of the line, decoded later only when a value is needed.
///
/// NOTE: bytes of strings are not checked to be valid UTF-8; a string with invalid sequences is accepted,
/// and a categorical value built from it replaces them with U+FFFD.
struct JSONFieldScanner {
    let trie: PathTrie

    /// The value at each slot of the trie for the last scanned line.
    private(set) var values: [ScannedValue]

    /// The deepest nesting accepted; deeper lines are rejected rather than risking the stack.
    static let maxDepth = 512

    init(trie: PathTrie) {
        self.trie = trie
        self.values = Array(repeating: .missing, count: trie.slotCount)
    }

    /// The result of scanning a line.
    enum Outcome: Equatable {
        /// The line is a JSON object; `values` contains its fields.
        case object

        /// The line is empty or only whitespace.
        case blank

        /// The line is not valid JSON, or its top-level value is not an object.
        case invalid(JSONSyntaxError)
    }

    /// Scans `line` and fills `values`.
    mutating func scan(_ line: UnsafeRawBufferPointer) -> Outcome {
        for index in values.indices { values[index] = .missing }
        guard let base = line.baseAddress, !line.isEmpty else { return .blank }

        var reader = Reader(base: base.assumingMemoryBound(to: UInt8.self), count: line.count)
        reader.skipWhitespace()
        guard let first = reader.peek() else { return .blank }
        guard first == UInt8(ascii: "{") else {
            // Valid JSON that is not an object (an array, a number) is reported apart from broken text.
            let column = reader.position + 1
            do {
                try reader.skipValue(depth: 1)
            } catch {
                return .invalid(error)
            }
            return .invalid(JSONSyntaxError(kind: .notAnObject, column: column))
        }

        do {
            try values.withUnsafeMutableBufferPointer { slots throws(JSONSyntaxError) in
                var walker = Walker(trie: trie, slots: slots)
                try walker.scanObject(&reader, node: 0, depth: 1)
            }
            reader.skipWhitespace()
            if reader.position < reader.count {
                return .invalid(JSONSyntaxError(kind: .trailingCharacters, column: reader.position + 1))
            }
            return .object
        } catch {
            return .invalid(error)
        }
    }
}

/// Descends into configured paths and stores their values in the slots.
private struct Walker {
    let trie: PathTrie
    let slots: UnsafeMutableBufferPointer<ScannedValue>

    mutating func scanObject(_ reader: inout Reader, node: Int, depth: Int) throws(JSONSyntaxError) {
        guard depth <= JSONFieldScanner.maxDepth else { throw reader.error(.nestingTooDeep) }
        reader.position += 1  // The opening brace.
        reader.skipWhitespace()
        if reader.peek() == UInt8(ascii: "}") {
            reader.position += 1
            return
        }

        while true {
            guard reader.peek() == UInt8(ascii: "\"") else { throw reader.error(reader.isAtEnd ? .unexpectedEnd : .unexpectedCharacter) }
            let (key, keyHasEscapes) = try reader.scanString()
            reader.skipWhitespace()
            guard reader.peek() == UInt8(ascii: ":") else { throw reader.error(reader.isAtEnd ? .unexpectedEnd : .unexpectedCharacter) }
            reader.position += 1
            reader.skipWhitespace()

            if let child = childNode(of: node, key: key, hasEscapes: keyHasEscapes, reader: reader) {
                try scanValue(&reader, node: child, depth: depth + 1)
            } else {
                try reader.skipValue(depth: depth + 1)
            }

            reader.skipWhitespace()
            guard let next = reader.peek() else { throw reader.error(.unexpectedEnd) }
            reader.position += 1
            if next == UInt8(ascii: ",") {
                reader.skipWhitespace()
                continue
            }
            if next == UInt8(ascii: "}") { return }
            reader.position -= 1
            throw reader.error(.unexpectedCharacter)
        }
    }

    mutating func scanArray(_ reader: inout Reader, node: Int, depth: Int) throws(JSONSyntaxError) {
        guard depth <= JSONFieldScanner.maxDepth else { throw reader.error(.nestingTooDeep) }
        reader.position += 1  // The opening bracket.
        reader.skipWhitespace()
        if reader.peek() == UInt8(ascii: "]") {
            reader.position += 1
            return
        }

        var index = 0
        while true {
            if let child = trie.nodes[node].indices.first(where: { $0.index == index })?.node {
                try scanValue(&reader, node: child, depth: depth + 1)
            } else {
                try reader.skipValue(depth: depth + 1)
            }
            index += 1

            reader.skipWhitespace()
            guard let next = reader.peek() else { throw reader.error(.unexpectedEnd) }
            reader.position += 1
            if next == UInt8(ascii: ",") {
                reader.skipWhitespace()
                continue
            }
            if next == UInt8(ascii: "]") { return }
            reader.position -= 1
            throw reader.error(.unexpectedCharacter)
        }
    }

    /// Captures the value at `node` if it is a requested path, and descends if paths continue below it.
    mutating func scanValue(_ reader: inout Reader, node: Int, depth: Int) throws(JSONSyntaxError) {
        let entry = trie.nodes[node]
        // A repeated key replaces what an earlier occurrence stored, as the last value wins in JSON parsers.
        for slot in entry.slotsBelow { slots[slot] = .missing }

        guard let byte = reader.peek() else { throw reader.error(.unexpectedEnd) }
        switch byte {
        case UInt8(ascii: "{"):
            if let slot = entry.slot { slots[slot] = .compound }
            if entry.keys.isEmpty {
                try reader.skipValue(depth: depth)
            } else {
                try scanObject(&reader, node: node, depth: depth)
            }
        case UInt8(ascii: "["):
            if let slot = entry.slot { slots[slot] = .compound }
            if entry.indices.isEmpty {
                try reader.skipValue(depth: depth)
            } else {
                try scanArray(&reader, node: node, depth: depth)
            }
        default:
            let value = try reader.scanScalar()
            if let slot = entry.slot { slots[slot] = value }
        }
    }

    private func childNode(of node: Int, key: ByteSpan, hasEscapes: Bool, reader: Reader) -> Int? {
        let children = trie.nodes[node].keys
        guard !children.isEmpty else { return nil }
        if hasEscapes {
            let decoded = reader.decodeString(key)
            return children.first(where: { $0.key == decoded })?.node
        }
        for child in children where child.key.count == key.count {
            let isEqual = child.key.withUnsafeBufferPointer { expected in
                memcmp(expected.baseAddress!, reader.base + key.start, key.count) == 0
            }
            if isEqual { return child.node }
        }
        return nil
    }
}
