import Foundation
import Glibc

/// Counts the distinct values of a categorical field, keyed by their UTF-8 bytes.
///
/// Values are interned in an open-addressing hash table over a byte arena, so recording a value that was
/// seen before allocates nothing and builds no `String`. After `maxCategories` distinct values, new values
/// are counted together in `otherCount`, so a field full of unique ids cannot grow memory without bound.
///
/// NOTE: past the limit, which values keep their own count depends on the order they arrive in, so
/// workers or shards merged in another order can keep other values. Below the limit merging is exact.
struct CategoryCounter: Sendable, Equatable, Codable {
    let maxCategories: Int

    /// The key bytes of every category, back to back.
    private var arena: [UInt8] = []

    private var entries: [Entry] = []

    /// Indices into `entries`, or -1 for an empty slot; the capacity is a power of two.
    private var table: [Int32] = Array(repeating: -1, count: 16)

    /// The number of values that arrived after the category limit was reached.
    private(set) var otherCount = 0

    /// The number of values recorded, `otherCount` included.
    private(set) var total = 0

    private struct Entry: Sendable, Equatable {
        var offset: Int
        var length: Int
        var hash: UInt64
        var count: Int
    }

    init(maxCategories: Int) {
        self.maxCategories = maxCategories
    }

    var distinctCount: Int { entries.count }

    /// Records one occurrence of the value with these bytes.
    mutating func record(_ bytes: UnsafeRawBufferPointer, count: Int = 1) {
        total += count
        let hash = Self.hash(bytes)
        let mask = table.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let index = Int(table[slot])
            if index < 0 { break }
            if entries[index].hash == hash && matches(entries[index], bytes) {
                entries[index].count += count
                return
            }
            slot = (slot + 1) & mask
        }

        guard entries.count < maxCategories else {
            otherCount += count
            return
        }
        entries.append(Entry(offset: arena.count, length: bytes.count, hash: hash, count: count))
        arena.append(contentsOf: bytes)
        table[slot] = Int32(entries.count - 1)
        if entries.count * 4 > table.count * 3 { rehash(capacity: table.count * 2) }
    }

    /// Records a value given as a string.
    mutating func record(_ value: String, count: Int = 1) {
        var value = value
        value.withUTF8 { record(UnsafeRawBufferPointer($0), count: count) }
    }

    mutating func merge(_ other: CategoryCounter) {
        for entry in other.entries {
            other.arena.withUnsafeBytes { bytes in
                record(UnsafeRawBufferPointer(rebasing: bytes[entry.offset..<(entry.offset + entry.length)]), count: entry.count)
            }
        }
        otherCount += other.otherCount
        total += other.otherCount
    }

    /// Returns the categories and their counts, sorted by value so reports are stable.
    func counts() -> [(value: String, count: Int)] {
        entries.map { entry in
            (String(decoding: arena[entry.offset..<(entry.offset + entry.length)], as: UTF8.self), entry.count)
        }
        .sorted { $0.value < $1.value }
    }

    private func matches(_ entry: Entry, _ bytes: UnsafeRawBufferPointer) -> Bool {
        guard entry.length == bytes.count else { return false }
        guard let other = bytes.baseAddress, entry.length > 0 else { return true }
        return arena.withUnsafeBytes { stored in
            memcmp(stored.baseAddress! + entry.offset, other, entry.length) == 0  // Safe: the entry lies in the arena.
        }
    }

    private mutating func rehash(capacity: Int) {
        table = Array(repeating: -1, count: capacity)
        let mask = capacity - 1
        for (index, entry) in entries.enumerated() {
            var slot = Int(truncatingIfNeeded: entry.hash) & mask
            while table[slot] >= 0 { slot = (slot + 1) & mask }
            table[slot] = Int32(index)
        }
    }

    /// FNV-1a over the bytes: category values are short, and the table only needs a good spread.
    private static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3  // Wrapping multiply is part of FNV.
        }
        return hash
    }
}

extension CategoryCounter {
    private enum CodingKeys: String, CodingKey {
        case maxCategories = "max_categories", values, otherCount = "other_count"
    }

    /// Writes each value's bytes (Base64, since a value need not be valid UTF-8) with its count.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(maxCategories, forKey: .maxCategories)
        let values = entries.map { entry in
            [Data(arena[entry.offset..<(entry.offset + entry.length)]).base64EncodedString(), String(entry.count)]
        }
        try container.encode(values, forKey: .values)
        try container.encode(otherCount, forKey: .otherCount)
    }

    /// Rebuilds the counter by recording each value again, so the hash table is never taken on trust.
    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let limit = try container.decode(Int.self, forKey: .maxCategories)
        guard (1...100_000).contains(limit) else {
            throw DecodingError.dataCorruptedError(forKey: .maxCategories, in: container, debugDescription: "category limit \(limit) out of range")
        }
        self.init(maxCategories: limit)
        // The total is checked after each entry, so a crafted file cannot overflow it.
        for pair in try container.decode([[String]].self, forKey: .values) {
            guard pair.count == 2, let bytes = Data(base64Encoded: pair[0]), let count = Int(pair[1]),
                  count > 0, count <= SummaryFile.maxCount - total else {
                throw DecodingError.dataCorruptedError(
                    forKey: .values, in: container,
                    debugDescription: "invalid category entry, or counts over \(SummaryFile.maxCount) in all")
            }
            // Recording adds to `total`, which a crafted file could overflow.
            guard !total.addingReportingOverflow(count).overflow else {
                throw DecodingError.dataCorruptedError(forKey: .values, in: container, debugDescription: "category counts overflow")
            }
            bytes.withUnsafeBytes { record($0, count: count) }
        }
        let other = try container.decode(Int.self, forKey: .otherCount)
        guard other >= 0, other <= SummaryFile.maxCount - total else {
            throw DecodingError.dataCorruptedError(
                forKey: .otherCount, in: container, debugDescription: "count \(other) is negative or too large")
        }
        guard !total.addingReportingOverflow(other).overflow else {
            throw DecodingError.dataCorruptedError(forKey: .otherCount, in: container, debugDescription: "category counts overflow")
        }
        otherCount += other
        total += other
    }
}
