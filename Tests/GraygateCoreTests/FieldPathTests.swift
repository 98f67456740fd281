import Testing

@testable import GraygateCore

/// The components of a parsed path as strings, for readable comparisons.
private func components(_ text: String) -> [String]? {
    FieldPath(text)?.components.map { String(decoding: $0, as: UTF8.self) }
}

/// The child a trie node reaches through `key`, if any.
private func child(of trie: PathTrie, node: Int, key: String) -> Int? {
    trie.nodes[node].keys.first { $0.key == Array(key.utf8) }?.node
}

@Suite("FieldPath and PathTrie")
struct FieldPathTests {
    // MARK: - Parsing

    @Test("path parses components", arguments: [
        ("a.b", ["a", "b"]),
        ("cohort", ["cohort"]),
        ("outputs.0.data", ["outputs", "0", "data"]),
        (#"a\.b"#, ["a.b"]),
        (#"a\.b.c"#, ["a.b", "c"]),
        (#"a\\b"#, [#"a\b"#]),
        (#"a\."#, ["a."]),
        ("café.größe", ["café", "größe"]),
        ("a b.c-d", ["a b", "c-d"]),
    ])
    func pathParsesComponents(text: String, expected: [String]) {
        #expect(components(text) == expected)
        #expect(FieldPath(text)?.description == text)
    }

    @Test("path rejects malformed", arguments: ["", ".", "a.", ".a", "a..b", #"a\"#, #"a.b\"#])
    func pathRejectsMalformed(text: String) {
        #expect(FieldPath(text) == nil)
    }

    @Test("array index parses decimal", arguments: [
        ("0", 0),
        ("7", 7),
        ("12", 12),
        ("999999999", 999_999_999),
    ])
    func arrayIndexParsesDecimal(text: String, expected: Int) {
        #expect(FieldPath.arrayIndex(of: Array(text.utf8)) == expected)
    }

    // A leading zero makes `07` an object key only, so it cannot compete with `7` for the same array element.
    @Test("array index rejects others", arguments: ["", "-1", "1a", "a", "+1", "1.0", "007", "00", "1234567890"])
    func arrayIndexRejectsOthers(text: String) {
        #expect(FieldPath.arrayIndex(of: Array(text.utf8)) == nil)
    }

    // MARK: - Trie

    @Test("trie shares prefixes")
    func trieSharesPrefixes() throws {
        var trie = PathTrie()
        let score = trie.insert(try #require(FieldPath("prediction.score")))
        let label = trie.insert(try #require(FieldPath("prediction.label")))
        let cohort = trie.insert(try #require(FieldPath("cohort")))

        #expect([score, label, cohort] == [0, 1, 2])
        #expect(trie.slotCount == 3)
        #expect(trie.nodes.count == 5)
        #expect(trie.nodes[0].keys.count == 2)

        let prediction = try #require(child(of: trie, node: 0, key: "prediction"))
        #expect(trie.nodes[prediction].slot == nil)
        #expect(trie.nodes[prediction].keys.count == 2)
        #expect(trie.nodes[prediction].slotsBelow == [score, label])
    }

    @Test("trie same path shares slot")
    func trieSamePathSharesSlot() throws {
        var trie = PathTrie()
        let first = trie.insert(try #require(FieldPath("a.b")))
        let second = trie.insert(try #require(FieldPath("a.b")))

        #expect(first == second)
        #expect(trie.slotCount == 1)
        #expect(trie.nodes.count == 3)

        let a = try #require(child(of: trie, node: 0, key: "a"))
        #expect(trie.nodes[a].slotsBelow == [first])
    }

    @Test("trie path inside path")
    func triePathInsidePath() throws {
        var trie = PathTrie()
        let inner = trie.insert(try #require(FieldPath("a.b")))
        let outer = trie.insert(try #require(FieldPath("a")))

        let a = try #require(child(of: trie, node: 0, key: "a"))
        let b = try #require(child(of: trie, node: a, key: "b"))
        #expect(trie.nodes[a].slot == outer)
        #expect(trie.nodes[a].hasChildren)
        #expect(trie.nodes[a].slotsBelow.sorted() == [inner, outer].sorted())
        #expect(trie.nodes[b].slotsBelow == [inner])
        #expect(!trie.nodes[b].hasChildren)
    }

    @Test("trie digit key is index")
    func trieDigitKeyIsIndex() throws {
        var trie = PathTrie()
        _ = trie.insert(try #require(FieldPath("outputs.0.data")))
        _ = trie.insert(try #require(FieldPath("outputs.12")))

        let outputs = try #require(child(of: trie, node: 0, key: "outputs"))
        let zero = try #require(child(of: trie, node: outputs, key: "0"))
        let twelve = try #require(child(of: trie, node: outputs, key: "12"))
        #expect(trie.nodes[outputs].indices.map(\.index) == [0, 12])
        #expect(trie.nodes[outputs].indices.map(\.node) == [zero, twelve])
    }

    @Test("trie escaped dot is distinct")
    func trieEscapedDotIsDistinct() throws {
        var trie = PathTrie()
        let dotted = trie.insert(try #require(FieldPath(#"a\.b"#)))
        let nested = trie.insert(try #require(FieldPath("a.b")))

        #expect(dotted != nested)
        #expect(child(of: trie, node: 0, key: "a.b") != nil)
        #expect(child(of: trie, node: 0, key: "a") != nil)
    }

    @Test("trie leading zero not index")
    func trieLeadingZeroNotIndex() throws {
        var trie = PathTrie()
        let seven = trie.insert(try #require(FieldPath("x.7")))
        let paddedSeven = trie.insert(try #require(FieldPath("x.07")))

        let x = try #require(child(of: trie, node: 0, key: "x"))
        #expect(seven != paddedSeven)
        #expect(trie.nodes[x].keys.count == 2)
        #expect(trie.nodes[x].indices.map(\.index) == [7])
    }
}
