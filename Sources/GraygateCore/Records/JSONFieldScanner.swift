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
    let trie: CompiledTrie

    /// The value at each slot of the trie for the last scanned line.
    private(set) var values: [ScannedValue]

    /// The deepest nesting accepted; deeper lines are rejected rather than risking the stack.
    static let maxDepth = 512

    init(trie: PathTrie) {
        self.trie = CompiledTrie(trie)
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
    let nodes: UnsafeMutableBufferPointer<CompiledTrie.Node>
    let keys: UnsafeMutableBufferPointer<CompiledTrie.Key>
    let indices: UnsafeMutableBufferPointer<CompiledTrie.Index>
    let clearSlots: UnsafeMutableBufferPointer<Int32>
    let keyBytes: UnsafeMutableBufferPointer<UInt8>
    let keyTable: UnsafeMutableBufferPointer<Int32>
    let slots: UnsafeMutableBufferPointer<ScannedValue>

    init(trie: CompiledTrie, slots: UnsafeMutableBufferPointer<ScannedValue>) {
        nodes = trie.nodes
        keys = trie.keys
        indices = trie.indices
        clearSlots = trie.clearSlots
        keyBytes = trie.keyBytes
        keyTable = trie.keyTable
        self.slots = slots
    }

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
            if let child = childNode(of: node, index: index) {
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
        let entry = nodes[node]
        // A repeated key replaces what an earlier occurrence stored, as the last value wins in JSON parsers.
        for position in Int(entry.clearStart)..<Int(entry.clearStart + entry.clearCount) {
            slots[Int(clearSlots[position])] = .missing
        }

        guard let byte = reader.peek() else { throw reader.error(.unexpectedEnd) }
        switch byte {
        case UInt8(ascii: "{"):
            if entry.slot >= 0 { slots[Int(entry.slot)] = .compound }
            if entry.keyCount == 0 {
                try reader.skipValue(depth: depth)
            } else {
                try scanObject(&reader, node: node, depth: depth)
            }
        case UInt8(ascii: "["):
            if entry.slot >= 0 { slots[Int(entry.slot)] = .compound }
            if entry.indexCount == 0 {
                try reader.skipValue(depth: depth)
            } else {
                try scanArray(&reader, node: node, depth: depth)
            }
        default:
            let value = try reader.scanScalar()
            if entry.slot >= 0 { slots[Int(entry.slot)] = value }
        }
    }

    private func childNode(of node: Int, index: Int) -> Int? {
        let entry = nodes[node]
        for position in Int(entry.indexStart)..<Int(entry.indexStart + entry.indexCount)
        where Int(indices[position].index) == index {
            return Int(indices[position].child)
        }
        return nil
    }

    private func childNode(of node: Int, key: ByteSpan, hasEscapes: Bool, reader: Reader) -> Int? {
        let entry = nodes[node]
        guard entry.keyCount > 0 else { return nil }
        let range = Int(entry.keyStart)..<Int(entry.keyStart + entry.keyCount)
        if hasEscapes {
            let decoded = reader.decodeString(key)
            for position in range where Int(keys[position].length) == decoded.count {
                let stored = UnsafeBufferPointer(rebasing: keyBytes[Int(keys[position].offset)..<(Int(keys[position].offset) + decoded.count)])
                if stored.elementsEqual(decoded) { return Int(keys[position].child) }
            }
            return nil
        }
        guard entry.keyLengths & CompiledTrie.lengthBit(key.count) != 0, key.count > 0 else {
            return nil  // No configured key has this length; configured keys are never empty.
        }
        let first = reader.base[key.start]
        if entry.hasKeyTable {
            let last = reader.base[key.start + key.count - 1]
            let found = Int(keyTable[node * CompiledTrie.tableSize
                + CompiledTrie.tableIndex(length: key.count, first: first, last: last, multiplier: entry.tableMultiplier)])
            guard found > 0 else { return nil }
            let candidate = keys[found - 1]
            guard Int(candidate.length) == key.count else { return nil }
            let isEqual = memcmp(keyBytes.baseAddress! + Int(candidate.offset), reader.base + key.start, key.count) == 0
            return isEqual ? Int(candidate.child) : nil
        }
        for position in range {
            let candidate = keys[position]
            guard Int(candidate.length) == key.count, candidate.firstByte == first else { continue }
            if memcmp(keyBytes.baseAddress! + Int(candidate.offset), reader.base + key.start, key.count) == 0 {
                return Int(candidate.child)
            }
        }
        return nil
    }
}
