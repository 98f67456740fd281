import Testing

@testable import GraygateCore

@Suite("Category counter")
struct CategoryCounterTests {
    @Test("counts distinct byte values")
    func countsValues() {
        var counter = CategoryCounter(maxCategories: 10)
        for value in ["positive", "negative", "positive", "", "négatif", "positive"] {
            counter.record(value)
        }
        let counts = Dictionary(uniqueKeysWithValues: counter.counts().map { ($0.value, $0.count) })
        #expect(counts == ["positive": 3, "negative": 1, "": 1, "négatif": 1])
        #expect(counter.total == 6)
        #expect(counter.otherCount == 0)
    }

    @Test("folds values past the limit into other")
    func foldsPastLimit() {
        var counter = CategoryCounter(maxCategories: 3)
        for index in 0..<1000 {
            counter.record("id-\(index % 50)")
        }
        #expect(counter.distinctCount == 3)
        #expect(counter.total == 1000)
        #expect(counter.counts().reduce(0) { $0 + $1.count } + counter.otherCount == 1000)
        #expect(counter.counts().map(\.count) == [20, 20, 20])
    }

    @Test("grows its table without losing counts")
    func growsTable() {
        var counter = CategoryCounter(maxCategories: 100_000)
        for _ in 0..<3 {
            for index in 0..<5000 {
                counter.record("value-\(index)")
            }
        }
        #expect(counter.distinctCount == 5000)
        #expect(counter.counts().allSatisfy { $0.count == 3 })
    }

    @Test("merge equals recording everything")
    func mergeEqualsWhole() {
        let values = (0..<400).map { "c\(($0 * 7919) % 37)" }
        var whole = CategoryCounter(maxCategories: 1000)
        var left = CategoryCounter(maxCategories: 1000)
        var right = CategoryCounter(maxCategories: 1000)
        for (index, value) in values.enumerated() {
            whole.record(value)
            if index % 3 == 0 { left.record(value) } else { right.record(value) }
        }
        left.merge(right)
        #expect(left.counts().map(\.value) == whole.counts().map(\.value))
        #expect(left.counts().map(\.count) == whole.counts().map(\.count))
        #expect(left.total == whole.total)
    }
}
