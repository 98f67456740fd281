/// The path trie laid out in flat buffers of plain values for the scanner's hot loop.
///
/// `PathTrie` is convenient to build but its nodes hold arrays, and reading them retains and releases those
/// arrays for every key of every line. Here every node, key and index is a fixed-size record in one
/// immutable allocation, so the scanner reads them through pointers with no reference counting.
final class CompiledTrie: @unchecked Sendable {
    struct Node {
        /// The slot of this node's value, or -1 when the path ending here was not requested.
        var slot: Int32
        var keyStart: Int32
        var keyCount: Int32
        var indexStart: Int32
        var indexCount: Int32

        /// The slots below this node, cleared when a repeated key replaces the value.
        var clearStart: Int32
        var clearCount: Int32

        /// Bit n is set when a key of n bytes (n < 64) is below this node, so most keys are ruled out by
        /// their length alone; bit 63 stands for every length of 63 or more.
        var keyLengths: UInt64

        /// Whether `keyTable` finds this node's keys: false when no multiplier up to 255 gives each key its
        /// own table entry, and the scanner then compares each key in turn.
        var hasKeyTable: Bool

        /// The multiplier of `tableIndex` that gives each key of this node its own entry.
        var tableMultiplier: Int32
    }

    struct Key {
        /// The key's bytes in `keyBytes`.
        var offset: Int32
        var length: Int32
        var firstByte: UInt8
        var child: Int32
    }

    struct Index {
        var index: Int32
        var child: Int32
    }

    let nodes: UnsafeMutableBufferPointer<Node>
    let keys: UnsafeMutableBufferPointer<Key>
    let indices: UnsafeMutableBufferPointer<Index>
    let clearSlots: UnsafeMutableBufferPointer<Int32>
    let keyBytes: UnsafeMutableBufferPointer<UInt8>
    let slotCount: Int

    /// For each node, `tableSize` entries: the index of the key in `keys` plus one, or 0 for none, placed by
    /// `tableIndex`, so an unknown key is usually dismissed by one load.
    let keyTable: UnsafeMutableBufferPointer<Int32>
    static let tableSize = 64

    /// Returns the table entry of a key from its length and its first and last bytes.
    @inline(__always)
    static func tableIndex(length: Int, first: UInt8, last: UInt8, multiplier: Int32) -> Int {
        (((length &* 31 &+ Int(first)) &* Int(multiplier)) &+ Int(last)) & (tableSize - 1)
    }

    init(_ trie: PathTrie) {
        let source = trie.nodes
        slotCount = trie.slotCount
        nodes = .allocate(capacity: source.count)
        keys = .allocate(capacity: max(1, source.reduce(0) { $0 + $1.keys.count }))
        indices = .allocate(capacity: max(1, source.reduce(0) { $0 + $1.indices.count }))
        clearSlots = .allocate(capacity: max(1, source.reduce(0) { $0 + $1.slotsBelow.count }))
        keyBytes = .allocate(capacity: max(1, source.reduce(0) { $0 + $1.keys.reduce(0) { $0 + $1.key.count } }))
        keyTable = .allocate(capacity: source.count * Self.tableSize)
        keyTable.initialize(repeating: 0)

        var keyCount = 0, indexCount = 0, clearCount = 0, byteCount = 0
        for (position, node) in source.enumerated() {
            nodes[position] = Node(
                slot: Int32(node.slot ?? -1),
                keyStart: Int32(keyCount), keyCount: Int32(node.keys.count),
                indexStart: Int32(indexCount), indexCount: Int32(node.indices.count),
                clearStart: Int32(clearCount), clearCount: Int32(node.slotsBelow.count),
                keyLengths: node.keys.reduce(0) { $0 | Self.lengthBit($1.key.count) },
                hasKeyTable: false, tableMultiplier: 0)
            // Search for a multiplier that gives every key of the node its own entry.
            for multiplier in Int32(1)...255 {
                let entries = Set(node.keys.map {
                    Self.tableIndex(length: $0.key.count, first: $0.key[0], last: $0.key[$0.key.count - 1], multiplier: multiplier)
                })
                if entries.count == node.keys.count {
                    nodes[position].hasKeyTable = true
                    nodes[position].tableMultiplier = multiplier
                    break
                }
            }
            for entry in node.keys {
                if nodes[position].hasKeyTable {
                    let entryIndex = position * Self.tableSize + Self.tableIndex(
                        length: entry.key.count, first: entry.key[0], last: entry.key[entry.key.count - 1],
                        multiplier: nodes[position].tableMultiplier)
                    keyTable[entryIndex] = Int32(keyCount + 1)
                }
                keys[keyCount] = Key(offset: Int32(byteCount), length: Int32(entry.key.count),
                                     firstByte: entry.key[0], child: Int32(entry.node))
                for byte in entry.key {
                    keyBytes[byteCount] = byte
                    byteCount += 1
                }
                keyCount += 1
            }
            for entry in node.indices {
                indices[indexCount] = Index(index: Int32(entry.index), child: Int32(entry.node))
                indexCount += 1
            }
            for slot in node.slotsBelow {
                clearSlots[clearCount] = Int32(slot)
                clearCount += 1
            }
        }
    }

    @inline(__always)
    static func lengthBit(_ length: Int) -> UInt64 {
        1 << UInt64(min(length, 63))
    }

    deinit {
        nodes.deallocate()
        keys.deallocate()
        indices.deallocate()
        clearSlots.deallocate()
        keyBytes.deallocate()
        keyTable.deallocate()
    }
}
