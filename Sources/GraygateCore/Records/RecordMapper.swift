import Foundation
import Glibc

/// Turns the scanned values of a line into a `Record` as the mapping defines.
struct RecordMapper {
    /// The mapping's large parts, behind one reference so the mapper stays small. Where the hot loop calls
    /// the mapper's own methods, the compiler copies the whole struct. A kilobyte copied three times a line
    /// cost a tenth of the throughput.
    private let shape: ShapeState

    var mapping: Mapping { shape.mapping }
    private(set) var scanner: JSONFieldScanner

    private let cohortSlot: Int
    private let latencySlot: Int
    private let statusSlot: Int?
    private let errorSlot: Int?
    private let timestampSlot: Int?
    private let eventSlots: EventSlots?

    /// The slots and type values of an event line's fields.
    private struct EventSlots {
        let id: Int
        let type: Int
        let time: Int
        let requestTypes: [[UInt8]]
        let responseTypes: [[UInt8]]
    }

    // The slots of each transformed field's path followed by its `json` path, for a payload written in place.
    private let cohortInPlaceSlot: Int?
    private let latencyInPlaceSlot: Int?
    private let errorInPlaceSlot: Int?
    private let numericInPlaceSlots: [Int?]
    private let categoricalInPlaceSlots: [Int?]
    private let timestampReading: TimestampReading
    private var timeRange = TimeRangeTracker()

    /// How much of the timestamp field a reader needs.
    enum TimestampReading {
        /// None: the mapping's timestamp path is not read.
        case none

        /// The earliest and latest only, for the report's time range (`drainTimeRange`). Lines are not
        /// parsed one by one while they keep the same RFC 3339 layout.
        case range

        /// Every line's time in `Record.timestamp`, for a window by log time, and the range too.
        case everyLine
    }
    private let numericSlots: [Int]
    private let categoricalSlots: [Int]
    // Copies of the mapping's settings that every line reads. Reading them through `mapping`, a struct of
    // over a kilobyte, made the compiler copy the whole mapping several times per line.
    private let numbersInStrings: Bool
    private let millisecondsPerLatencyUnit: Double
    private let errorStatuses: [ClosedRange<Int>]
    private let timestampUnit: TimestampUnit

    private let grayValues: [[UInt8]]
    private let normalValues: [[UInt8]]
    private let nonErrorValues: [[UInt8]]
    private let requestSlot: Int?
    private let requestValues: [[UInt8]]
    private let latencyStartSlot: Int?
    private let latencyEndSlot: Int?

    // The fields with a `ValueTransform`; nil takes the fast path that reads the line in place.

    /// Whether the mapping uses any feature of the mapping language beyond plain paths.
    private let usesShapeFeatures: Bool
    private let resolvesCohort: Bool
    private let resolvesCategorical: [Bool]

    init(mapping: Mapping, timestamps: TimestampReading = .none) {
        shape = ShapeState(mapping: mapping)
        var trie = PathTrie()
        cohortSlot = trie.insert(mapping.cohortPath)
        latencySlot = trie.insert(mapping.latencyPath)
        statusSlot = mapping.statusPath.map { trie.insert($0) }
        errorSlot = mapping.errorPath.map { trie.insert($0) }
        timestampSlot = timestamps == .none ? nil : mapping.timestampPath.map { trie.insert($0) }
        timestampReading = timestamps
        eventSlots = mapping.events.map { events in
            EventSlots(id: trie.insert(events.idPath), type: trie.insert(events.typePath), time: trie.insert(events.timePath),
                       requestTypes: events.requestTypes.map { Array($0.utf8) },
                       responseTypes: events.responseTypes.map { Array($0.utf8) })
        }
        cohortInPlaceSlot = Self.insertInPlacePath(mapping.cohortPath, mapping.cohortTransform, into: &trie)
        latencyInPlaceSlot = Self.insertInPlacePath(mapping.latencyPath, mapping.latencyTransform, into: &trie)
        errorInPlaceSlot = mapping.errorPath.flatMap { Self.insertInPlacePath($0, mapping.errorTransform, into: &trie) }
        numericInPlaceSlots = mapping.numericFields.map { Self.insertInPlacePath($0.path, $0.transform, into: &trie) }
        categoricalInPlaceSlots = mapping.categoricalFields.map { Self.insertInPlacePath($0.path, $0.transform, into: &trie) }
        numericSlots = mapping.numericFields.map { trie.insert($0.path) }
        categoricalSlots = mapping.categoricalFields.map { trie.insert($0.path) }
        requestSlot = mapping.requestFilter.map { trie.insert($0.path) }
        requestValues = mapping.requestFilter?.values.map { Array($0.utf8) } ?? []
        latencyStartSlot = mapping.latencyInterval.map { trie.insert($0.start) }
        latencyEndSlot = mapping.latencyInterval.map { trie.insert($0.end) }
        numbersInStrings = mapping.numbersInStrings
        millisecondsPerLatencyUnit = mapping.latencyUnit.millisecondsPerUnit
        errorStatuses = mapping.errorStatuses
        timestampUnit = mapping.timestampUnit
        grayValues = mapping.grayValues.map { Array($0.utf8) }
        normalValues = mapping.normalValues.map { Array($0.utf8) }
        nonErrorValues = mapping.nonErrorValues.map { Array($0.utf8) }
        resolvesCohort = mapping.cohortTransform != nil || mapping.cohortWhenNonEmpty != nil
        resolvesCategorical = mapping.categoricalFields.map { $0.transform != nil }
        usesShapeFeatures = mapping.requestFilter != nil || mapping.events != nil || resolvesCohort || mapping.latencyTransform != nil
            || mapping.latencyListSeparator != nil || mapping.latencyInterval != nil || mapping.errorTransform != nil
            || !mapping.nonErrorValues.isEmpty || mapping.numericFields.contains { $0.transform != nil }
            || resolvesCategorical.contains(true)
        scanner = JSONFieldScanner(trie: trie)
    }

    /// Adds the path of a `json` transform's value when the field is an object rather than a string.
    private static func insertInPlacePath(_ path: FieldPath, _ transform: ValueTransform?, into trie: inout PathTrie) -> Int? {
        guard let embedded = transform?.embeddedPath,
              let joined = FieldPath(path.description + "." + embedded.description)
        else { return nil }
        return trie.insert(joined)
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

        if let timestampSlot {
            readTimestamp(values[timestampSlot], base: base, into: &record)
        }
        // Mappings that use the mapping language take their own path, which keeps this one as short as the
        // default shape needs: it is the hot loop of every run.
        if usesShapeFeatures {
            readShaped(values, line: line, into: &record)
            return outcome
        }

        assignCohort(values[cohortSlot], base: base, into: &record)
        readStatus(values, base: base, into: &record)
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
                record.latency = .value(latency * millisecondsPerLatencyUnit)
            } else {
                record.latency = durationText(value, base: base)
            }
        }

        for (field, slot) in numericSlots.enumerated() {
            switch values[slot] {
            case .missing, .null:
                record.numeric[field] = .missing
            case let value:
                if let number = number(value, base: base), number.isFinite {
                    record.numeric[field] = .value(number)
                } else {
                    record.numeric[field] = durationText(value, base: base)
                }
            }
        }

        for (field, slot) in categoricalSlots.enumerated() {
            record.categorical[field] = category(values[slot], line: line)
        }
        return outcome
    }

    private mutating func readTimestamp(_ value: ScannedValue, base: UnsafeRawPointer, into record: inout Record) {
        if timestampReading == .range, case .string(let span, false) = value,
           timeRange.fold(UnsafeRawBufferPointer(start: base + span.start, count: span.count)) {
            return
        }
        record.timestamp = timestamp(value, base: base)
        if let seconds = record.timestamp {
            timeRange.fold(seconds)
        }
    }

    /// Returns the range of the timestamps read since the last call, and starts a new range.
    mutating func drainTimeRange() -> ClosedRange<Double>? {
        defer { timeRange = TimeRangeTracker() }
        return timeRange.range
    }

    private func readStatus(_ values: [ScannedValue], base: UnsafeRawPointer, into record: inout Record) {
        record.isError = false
        record.status = .missing
        guard let statusSlot else { return }
        switch values[statusSlot] {
        case .missing, .null:
            break
        case .string(let span, _) where span.count == 0:
            // An empty string means no status: some loggers write the field on every line and leave it empty.
            break
        case let value:
            if let status = number(value, base: base), status == status.rounded(), abs(status) < 1e9 {
                record.status = .value(status)
                record.isError = errorStatuses.contains { $0.contains(Int(status)) }
            } else {
                record.status = .invalid
            }
        }
    }

    /// Reads a string with a unit (`"270.6ms"`) as milliseconds; anything else is invalid.
    @inline(never)
    private func durationText(_ value: ScannedValue, base: UnsafeRawPointer) -> NumericReading {
        guard case .string(let span, false) = value,
              let milliseconds = DurationText.milliseconds(UnsafeRawBufferPointer(start: base + span.start, count: span.count))
        else { return .invalid }
        return .value(milliseconds)
    }

    /// Fills `record` for a mapping that uses the request filter, transforms, a cohort by presence, a
    /// latency list or interval, or values that are not errors.
    @inline(never)
    private mutating func readShaped(_ values: [ScannedValue], line: UnsafeRawBufferPointer, into record: inout Record) {
        let base = line.baseAddress!  // Safe: an object line is not empty.
        record.isRequest = true
        if let requestSlot {
            record.isRequest = isRequest(FieldValueResolver.copy(values[requestSlot], from: line))
            guard record.isRequest else { return }
        }
        if let eventSlots {
            readEvent(eventSlots, values: values, line: line, into: &record)
            record.isRequest = record.eventKind != nil
            guard record.isRequest else { return }
        }

        if resolvesCohort {
            assignCohort(resolved: resolve(values[cohortSlot], with: &shape.cohortResolver, line: line,
                                           inPlace: cohortInPlaceSlot.map { values[$0] }), into: &record)
        } else {
            assignCohort(values[cohortSlot], base: base, into: &record)
        }

        readStatus(values, base: base, into: &record)
        record.hasErrorField = false
        if let errorSlot {
            readError(resolve(values[errorSlot], with: &shape.errorResolver, line: line,
                              inPlace: errorInPlaceSlot.map { values[$0] }), into: &record)
        }

        if eventSlots != nil {
            record.latency = .missing  // The pairing sets it from the two event times.
        } else if let latencyStartSlot, let latencyEndSlot {
            record.latency = interval(from: values[latencyStartSlot], to: values[latencyEndSlot], base: base)
        } else {
            record.latency = latency(resolve(values[latencySlot], with: &shape.latencyResolver, line: line,
                                             inPlace: latencyInPlaceSlot.map { values[$0] }))
        }

        for (field, slot) in numericSlots.enumerated() {
            record.numeric[field] = numeric(resolve(values[slot], with: &shape.numericResolvers[field], line: line,
                                                    inPlace: numericInPlaceSlots[field].map { values[$0] }))
        }
        for (field, slot) in categoricalSlots.enumerated() {
            if resolvesCategorical[field] {
                record.categorical[field] = category(resolve(values[slot], with: &shape.categoricalResolvers[field], line: line,
                                                             inPlace: categoricalInPlaceSlots[field].map { values[$0] }))
            } else {
                record.categorical[field] = category(values[slot], line: line)
            }
        }
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
    @inline(never)
    private func timestamp(_ value: ScannedValue, base: UnsafeRawPointer) -> Double? {
        if case .string(let span, false) = value,
           let seconds = LogTimestamp.parseRFC3339(UnsafeRawBufferPointer(start: base + span.start, count: span.count)) {
            return seconds
        }
        return number(value, base: base).flatMap { LogTimestamp.seconds(sinceEpoch: $0, unit: timestampUnit) }
    }

    /// Reads a number, or a string that is wholly a number when `numbersInStrings` is on.
    private func number(_ value: ScannedValue, base: UnsafeRawPointer) -> Double? {
        switch value {
        case .number(let number, _):
            return number
        case .string(let span, let hasEscapes) where numbersInStrings && !hasEscapes && span.count > 0:
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

    // MARK: - Transformed fields

    @inline(never)
    private func resolve(_ value: ScannedValue, with resolver: inout FieldValueResolver?,
                         line: UnsafeRawBufferPointer, inPlace: ScannedValue? = nil) -> ResolvedValue {
        guard var current = resolver else { return FieldValueResolver.copy(value, from: line) }
        let resolved = current.resolve(value, line: line, inPlace: inPlace ?? .missing)
        resolver = current
        return resolved
    }

    /// Returns the text a resolved value is matched by: strings unescaped, numbers and Booleans as written.
    private static func text(of value: ResolvedValue) -> [UInt8]? {
        switch value {
        case .text(let bytes), .number(_, let bytes): return bytes
        case .bool(let flag): return Array((flag ? "true" : "false").utf8)
        case .missing, .null, .compound: return nil
        }
    }

    @inline(never)
    private func assignCohort(resolved value: ResolvedValue, into record: inout Record) {
        record.cohort = nil
        record.unassignedValue = .missing
        let text = Self.text(of: value)
        if let present = shape.mapping.cohortWhenNonEmpty {
            // nginx writes `-` for an empty variable in its default escaping, so it counts as empty too.
            let isEmpty = text.map { $0.isEmpty || $0 == [UInt8(ascii: "-")] } ?? true
            let absent: Cohort = present == .gray ? .normal : .gray
            record.cohort = isEmpty ? absent : present
            return
        }
        guard let text else {
            switch value {
            case .null: record.unassignedValue = .decoded(Array("(null)".utf8))
            case .compound: record.unassignedValue = .decoded(Array("(object or array)".utf8))
            default: record.unassignedValue = .decoded(Array("(missing)".utf8))
            }
            return
        }
        if let matched = text.withUnsafeBytes({ cohort(matching: $0) }) {
            record.cohort = matched
        } else {
            record.unassignedValue = .decoded(text)
        }
    }

    @inline(never)
    private func isRequest(_ value: ResolvedValue) -> Bool {
        switch value {
        case .missing, .null: return false
        default: return requestValues.isEmpty || Self.text(of: value).map(requestValues.contains) == true
        }
    }

    /// Reads the kind, id and time of an event line; the kind is nil for a type that is neither.
    private func readEvent(_ slots: EventSlots, values: [ScannedValue], line: UnsafeRawBufferPointer, into record: inout Record) {
        let type = Self.text(of: FieldValueResolver.copy(values[slots.type], from: line))
        if let type, slots.requestTypes.contains(type) {
            record.eventKind = .request
        } else if let type, slots.responseTypes.contains(type) {
            record.eventKind = .response
        } else {
            record.eventKind = nil
        }
        record.eventID = Self.text(of: FieldValueResolver.copy(values[slots.id], from: line))

        let time = values[slots.time]
        if time == .missing || time == .null {
            record.eventTime = .missing
        } else if let seconds = timestamp(time, base: line.baseAddress!) {  // Safe: an object line is not empty.
            record.eventTime = .value(seconds)
        } else {
            record.eventTime = .invalid
        }
    }

    @inline(never)
    private func readError(_ value: ResolvedValue, into record: inout Record) {
        switch value {
        case .missing:
            return
        case .null, .bool(false):
            record.hasErrorField = true
        default:
            record.hasErrorField = true
            if let text = Self.text(of: value), nonErrorValues.contains(text) { return }
            record.isError = true
        }
    }

    /// Reads a latency: a number in the configured unit, a duration with its own unit, or a list to add up.
    @inline(never)
    private func latency(_ value: ResolvedValue) -> NumericReading {
        switch value {
        case .missing, .null:
            return .missing
        case .number(let number, _):
            guard number.isFinite, number >= 0 else { return .invalid }
            return .value(number * millisecondsPerLatencyUnit)
        case .text(let text):
            if let separator = shape.mapping.latencyListSeparator {
                return latencyList(String(decoding: text, as: UTF8.self), separator: separator)
            }
            return latency(text: text)
        case .bool, .compound:
            return .invalid
        }
    }

    private func latency(text: [UInt8]) -> NumericReading {
        if let number = parsedNumber(text), number.isFinite, number >= 0 {
            return .value(number * millisecondsPerLatencyUnit)
        }
        if let milliseconds = text.withUnsafeBytes({ DurationText.milliseconds($0) }) {
            return .value(milliseconds)
        }
        return .invalid
    }

    /// Adds the parts of `"0.001, 0.219"`; `-` and empty text are missing, as nginx writes for no upstream.
    private func latencyList(_ text: String, separator: String) -> NumericReading {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty || trimmed == "-" { return .missing }
        var total = 0.0
        for part in trimmed.components(separatedBy: separator) {
            let item = part.trimmingCharacters(in: .whitespaces)
            guard case .value(let milliseconds) = latency(text: Array(item.utf8)) else { return .invalid }
            total += milliseconds
        }
        return .value(total)
    }

    /// Returns the time from one timestamp field to another, in milliseconds.
    @inline(never)
    private func interval(from start: ScannedValue, to end: ScannedValue, base: UnsafeRawPointer) -> NumericReading {
        if start == .missing || end == .missing || start == .null || end == .null { return .missing }
        guard let startSeconds = timestamp(start, base: base), let endSeconds = timestamp(end, base: base),
              endSeconds >= startSeconds
        else { return .invalid }
        return .value((endSeconds - startSeconds) * 1000)
    }

    @inline(never)
    private func numeric(_ value: ResolvedValue) -> NumericReading {
        switch value {
        case .missing, .null:
            return .missing
        case .number(let number, _):
            return number.isFinite ? .value(number) : .invalid
        case .text(let text):
            if numbersInStrings, let number = parsedNumber(text), number.isFinite {
                return .value(number)
            }
            return text.withUnsafeBytes { DurationText.milliseconds($0) }.map { .value($0) } ?? .invalid
        case .bool, .compound:
            return .invalid
        }
    }

    @inline(never)
    private func category(_ value: ResolvedValue) -> CategoryReading {
        guard let text = Self.text(of: value) else { return .missing }
        return .decoded(text)
    }

    /// Parses text that is wholly a JSON number.
    private func parsedNumber(_ text: [UInt8]) -> Double? {
        guard let first = text.first, first == UInt8(ascii: "-") || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9"))
        else { return nil }
        return text.withUnsafeBufferPointer { buffer -> Double? in
            var reader = Reader(base: buffer.baseAddress!, count: buffer.count)  // Safe: not empty.
            guard let number = try? reader.scanNumber(), reader.isAtEnd else { return nil }
            return number
        }
    }
}

/// The parts of a `RecordMapper` that only the mapping language's path reads or changes.
private final class ShapeState {
    let mapping: Mapping
    var cohortResolver: FieldValueResolver?
    var latencyResolver: FieldValueResolver?
    var errorResolver: FieldValueResolver?
    var numericResolvers: [FieldValueResolver?]
    var categoricalResolvers: [FieldValueResolver?]

    init(mapping: Mapping) {
        self.mapping = mapping
        cohortResolver = mapping.cohortTransform.map(FieldValueResolver.init)
        latencyResolver = mapping.latencyTransform.map(FieldValueResolver.init)
        errorResolver = mapping.errorTransform.map(FieldValueResolver.init)
        numericResolvers = mapping.numericFields.map { $0.transform.map(FieldValueResolver.init) }
        categoricalResolvers = mapping.categoricalFields.map { $0.transform.map(FieldValueResolver.init) }
    }
}
