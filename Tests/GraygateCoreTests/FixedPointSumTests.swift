import Testing

@testable import GraygateCore

@Suite("Fixed-point sum")
struct FixedPointSumTests {
    private let values: [Double] = (0..<10_000).map { index in
        let base = Double((index &* 2_654_435_761) % 100_000) / 100
        return index % 7 == 0 ? base * 1e-6 : (index % 11 == 0 ? -base : base + 0.001)
    }

    @Test("order of addition does not change the bits")
    func orderIndependent() {
        var forward = FixedPointSum()
        var backward = FixedPointSum()
        var interleaved = FixedPointSum()
        var parts = [FixedPointSum(), FixedPointSum(), FixedPointSum()]
        for value in values { forward.add(value) }
        for value in values.reversed() { backward.add(value) }
        for (index, value) in values.enumerated().sorted(by: { ($0.offset * 31) % 97 < ($1.offset * 31) % 97 }) {
            interleaved.add(value)
            parts[index % 3].add(value)
        }
        var merged = parts[2]
        merged.merge(parts[0])
        merged.merge(parts[1])
        #expect(forward.value.bitPattern == backward.value.bitPattern)
        #expect(forward.value.bitPattern == interleaved.value.bitPattern)
        #expect(forward.value.bitPattern == merged.value.bitPattern)
    }

    @Test("close to the exact sum")
    func accurate() {
        var sum = FixedPointSum()
        var naive = 0.0
        for value in values {
            sum.add(value)
            naive += value
        }
        #expect(abs(sum.value - naive) <= 1e-9 * abs(naive))
        var small = FixedPointSum()
        small.add(0.1)
        small.add(0.2)
        #expect(abs(small.value - 0.3) < 1e-13)
    }

    @Test("huge magnitudes fall back to floating point")
    func hugeMagnitudes() {
        var sum = FixedPointSum()
        sum.add(1e300)
        sum.add(-1e300)
        sum.add(2.5)
        sum.add(3e15)
        #expect(sum.value == 3e15 + 2.5)
    }
}
