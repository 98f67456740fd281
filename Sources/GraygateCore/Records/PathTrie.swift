/// The configured field paths merged into a tree, so one pass over a line finds all of them.
///
/// Node 0 is the top-level object. A node with a slot is a requested field; a node with children is an
/// object or array the scanner descends into. Every other key's value is skipped without being decoded.
struct PathTrie: Sendable {
    struct Node: Sendable {
        /// The object keys below this node and the nodes they lead to.
        var keys: [(key: [UInt8], node: Int)] = []

        /// The array indices below this node and the nodes they lead to.
        var indices: [(index: Int, node: Int)] = []

        /// The slot the value at this node is stored in, if this path was requested.
        var slot: Int?

        /// The slots of this node and every node below it, cleared when a duplicate key repeats it.
        var slotsBelow: [Int] = []

        var hasChildren: Bool { !keys.isEmpty || !indices.isEmpty }
    }

    private(set) var nodes: [Node] = [Node()]

    /// The number of slots, one per distinct path.
    private(set) var slotCount = 0

    /// Adds a path and returns its slot; a path added twice shares one slot.
    mutating func insert(_ path: FieldPath) -> Int {
        var current = 0
        var visited = [0]
        for component in path.components {
            if let existing = nodes[current].keys.first(where: { $0.key == component }) {
                current = existing.node
            } else {
                nodes.append(Node())
                let child = nodes.count - 1
                nodes[current].keys.append((component, child))
                if let index = FieldPath.arrayIndex(of: component) {
                    nodes[current].indices.append((index, child))
                }
                current = child
            }
            visited.append(current)
        }
        if let slot = nodes[current].slot { return slot }

        let slot = slotCount
        slotCount += 1
        nodes[current].slot = slot
        for node in visited.dropFirst() {
            nodes[node].slotsBelow.append(slot)
        }
        return slot
    }
}
