import Glibc

/// Turns the scanned values of a line into a `Record` as the mapping defines.
struct RecordMapper {
    let mapping: Mapping
    private(set) var scanner: JSONFieldScanner

    private let cohortSlot: Int
    private let latencySlot: Int
    private let statusSlot: Int?
    private let errorSlot: Int?
    private let timestampSlot: Int?
    private let numericSlots: [Int]
    private let categoricalSlots: [Int]
    private let grayValues: [[UInt8]]
    private let normalValues: [[UInt8]]

    /// - Parameter readsTimestamp: whether to read the timestamp path; `analyze` has no use for it.
    init(mapping: Mapping, readsTimestamp: Bool = false) {
        self.mapping = mapping
        var trie = PathTrie()
        cohortSlot = trie.insert(mapping.cohortPath)
        latencySlot = trie.insert(mapping.latencyPath)
        statusSlot = mapping.statusPath.map { trie.insert($0) }
        errorSlot = mapping.errorPath.map { trie.insert($0) }
        timestampSlot = readsTimestamp ? mapping.timestampPath.map { trie.insert($0) } : nil
        numericSlots = mapping.numericFields.map { trie.insert($0.path) }
        categoricalSlots = mapping.categoricalFields.map { trie.insert($0.path) }
        grayValues = mapping.grayValues.map { Array($0.utf8) }
        normalValues = mapping.normalValues.map { Array($0.utf8) }
        scanner = JSONFieldScanner(trie: trie)
    }

    func makeRecord() -> Record {
        Record(numericCount: numericSlots.count, categoricalCount: categoricalSlots.count)
    }

    /// Scans `line` and fills `record`; returns the scan outcome, and fills the record only for an object.
    mutating func read(_ line: UnsafeRawBufferPointer, into record: inout Record) -> JSONFieldScanner.Outcome {
        let outcome = scanner.scan(line)
        guard outcome == .object else { return outcome }
        let values = scanner.values
        let base = line.baseAddress!  // Safe: an object line is not empty.

        assignCohort(values[cohortSlot], base: base, into: &record)

        record.isError = false
        record.status = .missing
        if let statusSlot {
            switch values[statusSlot] {
            case .missing, .null:
                break
            case let value:
                if let status = number(value, base: base), status == status.rounded(), abs(status) < 1e9 {
                    record.status = .value(status)
                    record.isError = mapping.errorStatuses.contains { $0.contains(Int(status)) }
                } else {
                    record.status = .invalid
                }
            }
        }
        record.hasErrorField = false
        if let errorSlot {
            switch values[errorSlot] {
            case .missing:
                break
            case .null, .bool(false):
                record.hasErrorField = true
            default:
                record.hasErrorField = true
                record.isError = true
            }
        }

        switch values[latencySlot] {
        case .missing, .null:
            record.latency = .missing
        case let value:
            if let latency = number(value, base: base), latency.isFinite, latency >= 0 {
                record.latency = .value(latency * mapping.latencyUnit.millisecondsPerUnit)
            } else {
                record.latency = .invalid
            }
        }

        if let timestampSlot {
            record.timestamp = timestamp(values[timestampSlot], base: base)
        }

        for (field, slot) in numericSlots.enumerated() {
            switch values[slot] {
            case .missing, .null:
                record.numeric[field] = .missing
            case let value:
                if let number = number(value, base: base), number.isFinite {
                    record.numeric[field] = .value(number)
                } else {
                    record.numeric[field] = .invalid
                }
            }
        }

        for (field, slot) in categoricalSlots.enumerated() {
            record.categorical[field] = category(values[slot], line: line)
        }
        return outcome
    }

    private func assignCohort(_ value: ScannedValue, base: UnsafeRawPointer, into record: inout Record) {
        record.cohort = nil
        record.unassignedValue = .missing
        let bytes: UnsafeRawBufferPointer
        var decoded: [UInt8] = []
        switch value {
        case .string(let span, let hasEscapes):
            if hasEscapes {
                decoded = Reader(base: base.assumingMemoryBound(to: UInt8.self), count: span.start + span.count).decodeString(span)
                bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            } else {
                bytes = UnsafeRawBufferPointer(start: base + span.start, count: span.count)
            }
        case .number(_, let text):
            bytes = UnsafeRawBufferPointer(start: base + text.start, count: text.count)
        case .bool(let flag):
            decoded = Array((flag ? "true" : "false").utf8)
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
        case .missing:
            record.unassignedValue = .decoded(Array("(missing)".utf8))
            return
        case .null:
            record.unassignedValue = .decoded(Array("(null)".utf8))
            return
        case .compound:
            record.unassignedValue = .decoded(Array("(object or array)".utf8))
            return
        }

        let matched: Cohort? = decoded.isEmpty
            ? cohort(matching: bytes)
            : decoded.withUnsafeBytes { cohort(matching: $0) }
        if let matched {
            record.cohort = matched
        } else if decoded.isEmpty {
            record.unassignedValue = .span(ByteSpan(start: bytes.baseAddress! - base, count: bytes.count))
        } else {
            record.unassignedValue = .decoded(decoded)
        }
    }

    private func cohort(matching bytes: UnsafeRawBufferPointer) -> Cohort? {
        for value in grayValues where Self.equal(value, bytes) { return .gray }
        for value in normalValues where Self.equal(value, bytes) { return .normal }
        return nil
    }

    @inline(__always)
    private static func equal(_ value: [UInt8], _ bytes: UnsafeRawBufferPointer) -> Bool {
        guard value.count == bytes.count else { return false }
        guard let base = bytes.baseAddress, !value.isEmpty else { return true }
        return value.withUnsafeBytes { memcmp($0.baseAddress!, base, value.count) == 0 }  // Safe: not empty.
    }

    /// Reads an RFC 3339 string or a number since the epoch (also inside a string) as seconds since the epoch.
    private func timestamp(_ value: ScannedValue, base: UnsafeRawPointer) -> Double? {
        if case .string(let span, false) = value,
           let seconds = LogTimestamp.parseRFC3339(UnsafeRawBufferPointer(start: base + span.start, count: span.count)) {
            return seconds
        }
        return number(value, base: base).flatMap { LogTimestamp.seconds(sinceEpoch: $0, unit: mapping.timestampUnit) }
    }

    /// Reads a number, or a string that is wholly a number when `numbersInStrings` is on.
    private func number(_ value: ScannedValue, base: UnsafeRawPointer) -> Double? {
        switch value {
        case .number(let number, _):
            return number
        case .string(let span, let hasEscapes) where mapping.numbersInStrings && !hasEscapes && span.count > 0:
            var reader = Reader(base: (base + span.start).assumingMemoryBound(to: UInt8.self), count: span.count)
            guard let first = reader.peek(), first == UInt8(ascii: "-") || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")),
                  let number = try? reader.scanNumber(), reader.isAtEnd
            else { return nil }
            return number
        default:
            return nil
        }
    }

    private func category(_ value: ScannedValue, line: UnsafeRawBufferPointer) -> CategoryReading {
        switch value {
        case .missing, .null, .compound:
            return .missing
        case .string(let span, let hasEscapes):
            if hasEscapes {
                let base = line.baseAddress!.assumingMemoryBound(to: UInt8.self)  // Safe: the line contains the string.
                return .decoded(Reader(base: base, count: line.count).decodeString(span))
            }
            return .span(span)
        case .number(_, let text):
            return .span(text)
        case .bool(let flag):
            return .decoded(Array((flag ? "true" : "false").utf8))
        }
    }
}
