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

    init(_ trie: PathTrie) {
        let source = trie.nodes
        slotCount = trie.slotCount
        nodes = .allocate(capacity: source.count)
        keys = .allocate(capacity: max(1, source.reduce(0) { $0 + $1.keys.count }))
        indices = .allocate(capacity: max(1, source.reduce(0) { $0 + $1.indices.count }))
        clearSlots = .allocate(capacity: max(1, source.reduce(0) { $0 + $1.slotsBelow.count }))
        keyBytes = .allocate(capacity: max(1, source.reduce(0) { $0 + $1.keys.reduce(0) { $0 + $1.key.count } }))

        var keyCount = 0, indexCount = 0, clearCount = 0, byteCount = 0
        for (position, node) in source.enumerated() {
            nodes[position] = Node(
                slot: Int32(node.slot ?? -1),
                keyStart: Int32(keyCount), keyCount: Int32(node.keys.count),
                indexStart: Int32(indexCount), indexCount: Int32(node.indices.count),
                clearStart: Int32(clearCount), clearCount: Int32(node.slotsBelow.count),
                keyLengths: node.keys.reduce(0) { $0 | Self.lengthBit($1.key.count) })
            for entry in node.keys {
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
    }
}
